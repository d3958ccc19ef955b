"""Rewards: points earned on delivered orders, spent at checkout, reversed on refunds, expiring first-in first-out."""
