"""The points every client test writes: the same rows through each client library."""

BASE_NS = 1_763_683_200_000_000_000  # 2025-11-21T00:00:00Z

POINTS = [
    # (artist, platform, duration_ms, liked, revenue, user_id, time_ns)
    ("Artist 0001", "spotify", 245992, False, 0.002976, "u0827379", BASE_NS + 1_000_000_000),
    ("The 0097s, Live=Loud", "youtube", 12450, True, 0.0, "u0378158", BASE_NS + 2_000_000_000),
    ("Artist 0492", "apple music", 27906, False, 0.5, "u0513847", BASE_NS + 3_000_000_000),
    ("Artist 0001", "tidal", 180000, True, 1.25, "u\"quoted\"", BASE_NS + 4_000_000_000),
    ("Artist 0007", "spotify", 1, False, 3.75, "u0000001", BASE_NS + 5_000_000_000),
]
