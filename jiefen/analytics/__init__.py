"""Seeing the whole: indicators kept in rollup tables, the dashboard, the safety map, reports, assessment."""
