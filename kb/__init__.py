"""Compact Practice: a searchable knowledge base of Compact commissioning best practice."""

__version__ = "0.1.0"
