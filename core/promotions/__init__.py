"""Promotions: campaign rules, the pricing engine, bundles, coupons and standalone discounts."""
