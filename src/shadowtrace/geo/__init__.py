"""Geography for the maritime channel: land and sea, ports, and sea routes between them.

- :mod:`~shadowtrace.geo.sphere`: distances, bearings, destinations, polyline interpolation.
- :mod:`~shadowtrace.geo.land`: land-mask checks for points and polylines.
- :mod:`~shadowtrace.geo.ports`: the port gazetteer, with each port's berth and anchorage.
- :mod:`~shadowtrace.geo.routes`: land-free sea routes between ports.
- :mod:`~shadowtrace.geo.gazetteer_files`: more ports from World Port Index, UN/LOCODE and
  anchorage files.
- :mod:`~shadowtrace.geo.destinations`: AIS destination texts resolved to ports or countries
  (with :mod:`~shadowtrace.geo.names` and :mod:`~shadowtrace.geo.countries`).

Everything runs offline on data shipped inside the ``searoute`` and ``global-land-mask`` packages.
"""

from shadowtrace.geo.land import crosses_land, is_land, segments_crossing_land
from shadowtrace.geo.ports import BerthSettings, Gazetteer, Port, PortRecord
from shadowtrace.geo.routes import Route, RouteSettings, sea_route
from shadowtrace.geo.sphere import EARTH_RADIUS_M, bearing_deg, densify, destination_point, haversine_m

__all__ = [
    "EARTH_RADIUS_M",
    "BerthSettings",
    "Gazetteer",
    "Port",
    "PortRecord",
    "Route",
    "RouteSettings",
    "bearing_deg",
    "crosses_land",
    "densify",
    "destination_point",
    "haversine_m",
    "is_land",
    "sea_route",
    "segments_crossing_land",
]
