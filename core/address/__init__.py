"""The address context: countries and Turkey's address tree (reference data), and customers' address books."""
