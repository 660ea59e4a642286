"""Check the data: SHACL shapes (pySHACL) and OWL consistency (HermiT through owlready2)."""

from .shacl import ConsistencyReport, ShaclReport, Violation, check_consistency, short_name, validate_shacl

__all__ = ["ConsistencyReport", "ShaclReport", "Violation", "check_consistency", "short_name", "validate_shacl"]
