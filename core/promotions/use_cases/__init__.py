"""Promotions use cases: staff work on campaigns, coupons, bundles and discounts; coupons in the basket."""
