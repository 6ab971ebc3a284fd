"""Reports: printable HTML documents built from finished results.

:mod:`.report` holds the shared building blocks (sections, released tables, figures, the
methods box, the A4 template); one module per report renders it: :mod:`.area_report`
(områdesanalys and lägesbild), :mod:`.est_brief` (the EST brief), :mod:`.plan_report` (action
plans and evaluations). :mod:`.charts` and :mod:`.svgcharts` draw their charts. Nothing here
computes a statistic: the results come from :mod:`tryggaplatser.analysis`.
"""
