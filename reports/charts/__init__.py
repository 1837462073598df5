"""Server-side SVG charts for the HTML and PDF reports: no script, no font or file from outside."""

from reports.charts.bar import Bar, bar_chart
from reports.charts.heatmap import heat_map
from reports.charts.line import Series, line_chart

__all__ = ["Bar", "Series", "bar_chart", "heat_map", "line_chart"]
