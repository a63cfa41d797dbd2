"""Sequencing a week's visits into days by geography.

Nearest-neighbour from the base gives one route through the week's accounts; cut into
consecutive runs of `visits_per_day`, each day covers accounts that lie near each other
(a cheap clustering). Each day is then routed again from the base, nearest first, and the
distance of every leg is kept (km, along the earth's surface).
"""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


def distance_km(a, b) -> float:
    (lat1, lon1), (lat2, lon2) = a, b
    lat1, lon1, lat2, lon2 = map(radians, (lat1, lon1, lat2, lon2))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def nearest_neighbour(base, stops):
    """[(stop, km from the previous point)] visiting every stop, nearest first.

    `stops` are (key, (lat, lon)); a stop without coordinates goes last, 0 km.
    """
    located = [s for s in stops if s[1] is not None]
    unlocated = [s for s in stops if s[1] is None]
    route, here = [], base
    remaining = list(located)
    while remaining:
        best = min(remaining, key=lambda s: (distance_km(here, s[1]), s[0]))
        route.append((best, distance_km(here, best[1])))
        here = best[1]
        remaining.remove(best)
    return route + [(s, 0.0) for s in unlocated]


def plan_days(base, stops, *, visits_per_day: int, working_days: int):
    """{day (1..working_days): [(key, km from the previous stop)]} for one week."""
    tour = [stop for stop, _km in nearest_neighbour(base, stops)]
    days = {}
    for day in range(working_days):
        chunk = tour[day * visits_per_day : (day + 1) * visits_per_day]
        if not chunk:
            break
        days[day + 1] = [(stop[0], km) for stop, km in nearest_neighbour(base, chunk)]
    return days
