"""Run by Debian's /usr/bin/python3 with PyQGIS (never imported by the test suite itself).

``python3 _qgis_probe.py FOLDER... --png OUT.png --profile DIR`` opens every GeoPackage layer,
every GeoTIFF and the ``qgis_projekt.qgz`` of each folder in headless QGIS and prints one JSON
document: per layer its validity, renderer, classes (value, label, colour, drawn), field aliases
and metadata; per raster its data type, nodata and style; per project its groups, layers and
the PNG it renders (the first folder's project is rendered to OUT.png) with its distinct colours.
"""

import json
import os
import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsRenderContext,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def vector_info(layer):
    r = layer.renderer()
    info = {
        "valid": layer.isValid(),
        "renderer": r.type() if r else None,
        "features": layer.featureCount(),
        "aliases": {f.name(): layer.attributeAlias(i) for i, f in enumerate(layer.fields())},
        "title": layer.metadata().title(),
        "abstract": layer.metadata().abstract(),
        "map_tip": layer.mapTipTemplate(),
        "labels": layer.labelsEnabled(),
        "geometry": int(layer.geometryType()) if layer.isValid() else None,
        "symbol_types": sorted({int(s.type()) for s in r.symbols(QgsRenderContext())}) if r else [],
        "classes": [],
    }
    if r and r.type() == "categorizedSymbol":
        info["classes"] = [
            [str(c.value()), c.label(), c.symbol().color().name(), c.renderState()]
            for c in r.categories()
        ]
    elif r and r.type() == "graduatedSymbol":
        info["classes"] = [
            [
                [x.lowerValue(), x.upperValue()],
                x.label(),
                x.symbol().color().name(),
                x.renderState(),
            ]
            for x in r.ranges()
        ]
    elif r and r.type() == "singleSymbol":
        s = r.symbol().symbolLayer(0)
        info["classes"] = [[None, "", s.strokeColor().name(), True]]
    if layer.isValid():  # the stored default style of the GeoPackage, by name
        info["styles"] = list(layer.listStylesInDatabase()[2])
    if r and layer.isValid():  # how many features QGIS draws in each class ("" = none)
        labels = {item.ruleKey(): item.label() for item in r.legendSymbolItems()}
        context = QgsRenderContext()
        r.startRender(context, layer.fields())
        counts = {}
        for f in layer.getFeatures():
            keys = r.legendKeysForFeature(f, context)
            key = " | ".join(sorted(labels.get(k, k) for k in keys))
            counts[key] = counts.get(key, 0) + 1
        r.stopRender(context)
        info["feature_classes"] = counts
    return info


def raster_info(layer):
    r = layer.renderer()
    info = {
        "valid": layer.isValid(),
        "renderer": r.type() if r else None,
        "data_type": int(layer.dataProvider().dataType(1)),
        "nodata": layer.dataProvider().sourceNoDataValue(1),
        "classes": [],
    }
    if r and r.type() == "paletted":
        info["classes"] = [[c.value, c.label, c.color.name()] for c in r.classes()]
    elif r and r.type() == "singlebandpseudocolor":
        items = r.shader().rasterShaderFunction().colorRampItemList()
        info["classes"] = [[i.value, i.label, i.color.name()] for i in items]
    return info


def render(project, png):
    root = project.layerTreeRoot()
    layers = [n.layer() for n in root.findLayers() if n.isVisible() and n.layer()]
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(project.crs())
    extent = QgsRectangle()
    for layer in layers:
        extent.combineExtentWith(layer.extent())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(900, 700))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    colours = {}
    for x in range(0, image.width(), 3):
        for y in range(0, image.height(), 3):
            rgb = image.pixel(x, y) & 0xFFFFFF
            colours[rgb] = colours.get(rgb, 0) + 1
    return {
        "layers": [layer.name() for layer in layers],
        "colours": len(colours),
        "colours_over_50_px": sum(1 for n in colours.values() if n >= 50),
        "non_white_share": 1 - colours.get(0xFFFFFF, 0) / max(1, sum(colours.values())),
    }


def project_info(path, png):
    project = QgsProject.instance()
    project.clear()
    ok = project.read(str(path))
    root = project.layerTreeRoot()
    info = {
        "read": ok,
        "title": project.title(),
        "crs": project.crs().authid(),
        "groups": [g.name() for g in root.children()],
        "layers": {
            n.layer().name() if n.layer() else n.name(): {
                "valid": bool(n.layer() and n.layer().isValid()),
                "group": n.parent().name(),
                "visible": n.isVisible(),
                "source": n.layer().source() if n.layer() else "",
                "renderer": (
                    n.layer().renderer().type() if n.layer() and n.layer().renderer() else None
                ),
            }
            for n in root.findLayers()
        },
        "title_label": project.readEntry("TitleLabel", "/Label", "")[0],
        "absolute_paths": project.readBoolEntry("Paths", "/Absolute", True)[0],
    }
    if png:
        info["render"] = render(project, png)
    return info


def main(argv):
    png = argv[argv.index("--png") + 1] if "--png" in argv else ""
    profile = argv[argv.index("--profile") + 1]
    folders = [a for a in argv if not a.startswith("--") and a not in (png, profile)]
    app = QgsApplication([], False, profile)
    app.initQgis()
    out = {}
    for i, folder in enumerate(map(Path, folders)):
        layers = {}
        for gpkg in sorted(folder.glob("*.gpkg")):
            probe = QgsVectorLayer(str(gpkg), "probe", "ogr")
            for sub in probe.dataProvider().subLayers():
                name = sub.split("!!::!!")[1]
                if name == "layer_styles":
                    continue
                layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
                layers[f"{gpkg.name}:{name}"] = vector_info(layer)
        for tif in sorted(folder.glob("*.tif")):
            layers[tif.name] = raster_info(QgsRasterLayer(str(tif), tif.stem))
        project = folder / "qgis_projekt.qgz"
        out[folder.name] = {
            "layers": layers,
            "project": project_info(project, png if i == 0 else "") if project.exists() else None,
        }
    print(json.dumps(out, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # QGIS 3.22 may crash while tearing down a loaded project: skip the teardown


if __name__ == "__main__":
    main(sys.argv[1:])
