"""Every view of the offline preview: the summary (default), the resource tree, cost, policy and compliance
tables, the --compare views. Each module renders a result it is given; none runs a step of the preview.
"""
