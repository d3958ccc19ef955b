"""Notifications: in-app notices and e-mails about orders and stock, and each user's preferences."""
