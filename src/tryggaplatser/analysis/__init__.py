"""Analyses on validated layers: grids and hotspots (count, KDE, Gi*, classification, change).

Modules: :mod:`.grid` (SWEREF 99 TM lattice, point-to-cell counts), :mod:`.kde` (quartic kernel),
:mod:`.gistar` (Getis-Ord Gi*, FDR bins), :mod:`.trend` (Mann-Kendall), :mod:`.hotspots` (the
``hotspot_*`` verbs). Computation only: nothing here draws, writes or prints.
"""
