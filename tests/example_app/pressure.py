"""pure: whether a hydrant's static pressure is enough (GB 50974: at least 0.14 MPa at the outlet)."""

from decimal import Decimal

MIN_MPA = Decimal("0.14")


def adequate(pressure_mpa: Decimal | None) -> bool | None:
    return None if pressure_mpa is None else pressure_mpa >= MIN_MPA
