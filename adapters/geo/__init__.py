"""Geo reference data: ISO 3166 countries (pycountry, phonenumbers) and Turkey's address tree (data/)."""
