"""Dagster layer of budget-warehouse: thin assets, checks, jobs and sensors over ``budget_warehouse``."""
