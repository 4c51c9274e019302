// The strait map: OpenLayers on a 2D canvas (no WebGL, so it renders in headless Chromium and on
// machines without a GPU), EPSG:3857, limited to the area of interest lon −2…3.5, lat 49.5…51.8.
// Geography comes from the app's own /api/geo/layers (no tiles, no external URLs).

/* global ol */
import { CATEGORY, category, orientation, label, parseTime, STALE_MS } from "./vessels.js";

export const AOI = [-2.0, 49.5, 3.5, 51.8];
export const CENTRE = [1.45, 51.0];

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
const HALO = "rgba(6, 16, 28, 0.9)";

// ---------------------------------------------------------------- geography styles
const land = new ol.style.Style({ fill: new ol.style.Fill({ color: "#1c262e" }) });
const coast = new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#5f7585", width: 1.2 }) });

const TSS_MAGENTA = "rgba(214, 92, 214, ";
const tssStyles = {
  separation_zone: new ol.style.Style({
    fill: new ol.style.Fill({ color: `${TSS_MAGENTA}0.11)` }),
    stroke: new ol.style.Stroke({ color: `${TSS_MAGENTA}0.55)`, width: 1 }),
  }),
  separation_line: new ol.style.Style({ stroke: new ol.style.Stroke({ color: `${TSS_MAGENTA}0.7)`, width: 1.5 }) }),
  separation_boundary: new ol.style.Style({
    stroke: new ol.style.Stroke({ color: `${TSS_MAGENTA}0.55)`, width: 1, lineDash: [6, 5] }),
  }),
  inshore_traffic_zone: new ol.style.Style({
    fill: new ol.style.Fill({ color: `${TSS_MAGENTA}0.05)` }),
    stroke: new ol.style.Stroke({ color: `${TSS_MAGENTA}0.35)`, width: 1, lineDash: [2, 4] }),
  }),
};
const laneLine = new ol.style.Stroke({ color: `${TSS_MAGENTA}0.45)`, width: 1, lineDash: [14, 10] });

function tssStyle(feature, resolution) {
  const t = feature.get("seamark_type");
  if (t !== "separation_lane") return tssStyles[t] || tssStyles.separation_boundary;
  const styles = [new ol.style.Style({ stroke: laneLine })];
  const bearing = feature.get("flow_bearing_deg_derived");
  if (bearing !== null && bearing !== undefined && resolution < 400) {
    // direction-of-traffic arrow at the lane's middle (bearing derived by the data's publisher)
    styles.push(
      new ol.style.Style({
        geometry: (f) => {
          const g = f.getGeometry();
          return new ol.geom.Point(g.getCoordinateAt ? g.getCoordinateAt(0.5) : g.getFirstCoordinate());
        },
        image: new ol.style.RegularShape({
          points: 3,
          radius: 7,
          fill: new ol.style.Fill({ color: `${TSS_MAGENTA}0.6)` }),
          rotation: (bearing * Math.PI) / 180,
          rotateWithView: true,
        }),
      }),
    );
  }
  return styles;
}

const boundaryLine = new ol.style.Style({
  stroke: new ol.style.Stroke({ color: "#f0a742", width: 2, lineDash: [10, 6] }),
});

function boundaryStyle(feature, resolution) {
  const pt = feature.get("point");
  if (!pt) return boundaryLine;
  return new ol.style.Style({
    image: new ol.style.RegularShape({
      points: 4,
      radius: 5,
      angle: Math.PI / 4,
      fill: new ol.style.Fill({ color: "#f0a742" }),
      stroke: new ol.style.Stroke({ color: HALO, width: 1 }),
    }),
    text:
      resolution < 250
        ? new ol.style.Text({
            text: pt,
            font: `600 11px ${FONT}`,
            offsetX: 10,
            textAlign: "left",
            fill: new ol.style.Fill({ color: "#f0a742" }),
            stroke: new ol.style.Stroke({ color: HALO, width: 3 }),
          })
        : undefined,
  });
}

const placeDot = {
  embarkation: new ol.style.Circle({
    radius: 4.5,
    fill: new ol.style.Fill({ color: "#ff5a5a" }),
    stroke: new ol.style.Stroke({ color: "#2a0d0d", width: 1.5 }),
  }),
  landing: new ol.style.Circle({
    radius: 4,
    fill: new ol.style.Fill({ color: "#41c7c7" }),
    stroke: new ol.style.Stroke({ color: "#0b2020", width: 1.5 }),
  }),
  coastal: new ol.style.Circle({ radius: 2.5, fill: new ol.style.Fill({ color: "#8a97a3" }) }),
};

function placeStyle(feature, resolution) {
  const cat = feature.get("category") || "coastal";
  const showLabel = cat !== "coastal" || resolution < 60;
  return new ol.style.Style({
    image: placeDot[cat] || placeDot.coastal,
    text: showLabel
      ? new ol.style.Text({
          text: feature.get("name"),
          font: `${cat === "embarkation" ? "600 " : ""}11px ${FONT}`,
          offsetY: -11,
          fill: new ol.style.Fill({ color: cat === "embarkation" ? "#ffb3b3" : "#a9c2cf" }),
          stroke: new ol.style.Stroke({ color: HALO, width: 3 }),
        })
      : undefined,
  });
}

const LAYER_STYLES = {
  land: { style: land, z: 1 },
  coastline: { style: coast, z: 2 },
  tss: { style: tssStyle, z: 3 },
  uk_fr_boundary_1988: { style: boundaryStyle, z: 4 },
  places: { style: placeStyle, z: 6, declutter: true },
};

// ---------------------------------------------------------------- vessel symbols
// Symbols are drawn once per (category, moving, selected, stale) on a canvas: no data: URLs (the CSP
// is self-only) and cheap to reuse for thousands of contacts.
const iconCache = new Map();

function hullPath(ctx, moving, small) {
  ctx.beginPath();
  if (!moving) {
    ctx.arc(0, 0, small ? 4.5 : 5.5, 0, 2 * Math.PI);
  } else if (small) {
    // chevron: a small boat reads differently from a ship at a glance
    ctx.moveTo(0, -9);
    ctx.lineTo(6.5, 7);
    ctx.lineTo(0, 3);
    ctx.lineTo(-6.5, 7);
    ctx.closePath();
  } else {
    // pointed hull, bow up (north) before rotation
    ctx.moveTo(0, -11);
    ctx.lineTo(5, -3);
    ctx.lineTo(5, 9);
    ctx.lineTo(-5, 9);
    ctx.lineTo(-5, -3);
    ctx.closePath();
  }
}

function vesselIcon(cat, moving, selected, stale) {
  const key = `${cat}|${moving}|${selected}|${stale}`;
  let icon = iconCache.get(key);
  if (icon) return icon;
  const size = 36;
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement("canvas");
  canvas.width = size * ratio;
  canvas.height = size * ratio;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  ctx.translate(size / 2, size / 2);
  const small = cat === "small";
  if (selected) {
    ctx.beginPath();
    ctx.arc(0, 0, 15, 0, 2 * Math.PI);
    ctx.strokeStyle = "#00e5ff";
    ctx.lineWidth = 2.5;
    ctx.stroke();
  } else if (small) {
    ctx.beginPath();
    ctx.arc(0, 0, 13, 0, 2 * Math.PI);
    ctx.strokeStyle = "rgba(255, 157, 0, 0.45)";
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  ctx.globalAlpha = stale ? 0.45 : 1;
  hullPath(ctx, moving, small);
  ctx.fillStyle = CATEGORY[cat].colour;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = selected ? "#ffffff" : "#061019";
  ctx.stroke();
  icon = new ol.style.Icon({
    img: canvas,
    width: size,
    height: size,
    rotateWithView: true,
    declutterMode: "none", // never hide a contact to make room for a label
  });
  iconCache.set(key, icon);
  return icon;
}

function speedVector(feature) {
  // where the vessel will be in 6 minutes at its SOG/COG (1/10 of SOG in nautical miles)
  const v = feature.get("vessel");
  const sog = v.sog_kn;
  const cog = v.cog_deg;
  if (sog === null || sog === undefined || sog < 0.5 || cog === null || cog === undefined || cog >= 360) {
    return undefined;
  }
  const dNm = sog * 0.1;
  const rad = (cog * Math.PI) / 180;
  const lat2 = v.lat + (dNm / 60) * Math.cos(rad);
  const lon2 = v.lon + ((dNm / 60) * Math.sin(rad)) / Math.cos((v.lat * Math.PI) / 180);
  return new ol.geom.LineString([ol.proj.fromLonLat([v.lon, v.lat]), ol.proj.fromLonLat([lon2, lat2])]);
}

export function makeVesselStyle(state) {
  return (feature, resolution) => {
    const v = feature.get("vessel");
    const cat = category(v);
    const rot = orientation(v);
    const selected = state.selected === v.mmsi;
    const seen = parseTime(v.last_seen);
    const stale = state.clockMs !== null && seen !== null && state.clockMs - seen > STALE_MS;
    const icon = vesselIcon(cat, rot !== null, selected, stale);
    icon.setRotation(rot === null ? 0 : (rot * Math.PI) / 180);
    const styles = [];
    if (resolution < 150 || selected) {
      styles.push(
        new ol.style.Style({
          geometry: speedVector,
          stroke: new ol.style.Stroke({ color: selected ? "#00e5ff" : CATEGORY[cat].colour, width: 1.2 }),
        }),
      );
    }
    styles.push(
      new ol.style.Style({
        image: icon,
        zIndex: selected ? 1000 : cat === "small" ? 500 : 0,
        text:
          resolution < 120 || selected
            ? new ol.style.Text({
                text: label(v),
                font: `${selected ? "600 12px" : "11px"} ${FONT}`,
                offsetY: 19,
                fill: new ol.style.Fill({ color: selected ? "#e9fdff" : "#d5dee6" }),
                stroke: new ol.style.Stroke({ color: HALO, width: 3 }),
              })
            : undefined,
      }),
    );
    return styles;
  };
}

const trailStyle = [
  new ol.style.Style({ stroke: new ol.style.Stroke({ color: "rgba(0, 229, 255, 0.75)", width: 2 }) }),
  new ol.style.Style({
    image: new ol.style.Circle({ radius: 2, fill: new ol.style.Fill({ color: "rgba(0, 229, 255, 0.9)" }) }),
    geometry: (f) => new ol.geom.MultiPoint(f.getGeometry().getCoordinates()),
  }),
];

// ---------------------------------------------------------------- the map
export function createMap(target, state) {
  const extent = ol.proj.transformExtent(AOI, "EPSG:4326", "EPSG:3857");
  const vesselSource = new ol.source.Vector();
  const vesselLayer = new ol.layer.Vector({
    source: vesselSource,
    style: makeVesselStyle(state),
    declutter: "vessels",
    zIndex: 20,
    updateWhileAnimating: true,
    updateWhileInteracting: true,
  });
  vesselLayer.set("name", "vessels");
  const trailSource = new ol.source.Vector();
  const trailLayer = new ol.layer.Vector({ source: trailSource, style: trailStyle, zIndex: 10 });
  trailLayer.set("name", "trail");

  const map = new ol.Map({
    target,
    layers: [trailLayer, vesselLayer],
    view: new ol.View({
      projection: "EPSG:3857",
      center: ol.proj.fromLonLat(CENTRE),
      zoom: 9.4,
      minZoom: 7,
      maxZoom: 17,
      extent,
    }),
    controls: ol.control.defaults
      .defaults({ attributionOptions: { collapsible: true, collapsed: false } })
      .extend([
        new ol.control.ScaleLine({ units: "nautical", bar: false }),
        new ol.control.MousePosition({
          projection: "EPSG:4326",
          coordinateFormat: (c) => ol.coordinate.toStringHDMS(c, 1),
          className: "mouse-position",
          placeholder: "\u00a0",
        }),
      ]),
  });
  return { map, vesselSource, vesselLayer, trailSource, trailLayer };
}

// Load every geography layer the API lists, in its order; a layer that fails is skipped (the
// picture matters more than the basemap) and reported to the caller.
export async function loadGeography(map, apiGet) {
  const failed = [];
  const metas = await apiGet("/api/geo/layers");
  const format = new ol.format.GeoJSON({ dataProjection: "EPSG:4326", featureProjection: "EPSG:3857" });
  await Promise.all(
    metas.map(async (meta, i) => {
      try {
        const fc = await apiGet(`/api/geo/layers/${encodeURIComponent(meta.name)}`);
        const conf = LAYER_STYLES[meta.name] || { style: coast, z: 5 };
        const layer = new ol.layer.Vector({
          source: new ol.source.Vector({
            features: format.readFeatures(fc),
            attributions: meta.attribution ? [meta.attribution] : undefined,
          }),
          style: conf.style,
          zIndex: conf.z ?? i,
          declutter: conf.declutter ? "places" : false,
          updateWhileInteracting: false,
        });
        layer.set("name", meta.name);
        layer.set("title", meta.title);
        map.addLayer(layer);
      } catch (err) {
        failed.push(meta.name);
        console.error("geography layer failed", meta.name, err);
      }
    }),
  );
  return failed;
}
