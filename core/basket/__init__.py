"""The basket context: guest and user baskets, server-side pricing, merge, abandonment."""
