"""Dashboards: figure builders (query result in, Plotly figure out) and the static site."""
