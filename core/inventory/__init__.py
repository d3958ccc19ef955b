"""Inventory: warehouses, stock per (warehouse, variant), movements, counts and checkout reservations."""
