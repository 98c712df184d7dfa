"""Grading: rule sets as data (YAML with Chinese keys), presets, explanations, rollups."""
