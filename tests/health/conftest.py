from ..screening.conftest import ed_area

__all__ = ["ed_area"]
