// The page in English (the default) or French, for the French liaison desk. English text is the key:
// tr("Vessels") gives "Navires" on the French page. Static texts of index.html carry data-i18n (their
// text), data-i18n-placeholder, data-i18n-title or data-i18n-aria-label; translatePage() swaps them.
// The language is the one the top bar's toggle stored ("watchkeeper.lang"), or ?lang=en|fr.

const LANG_KEY = "watchkeeper.lang";

export const LANG = (() => {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "en" || asked === "fr") return asked;
  return localStorage.getItem(LANG_KEY) === "fr" ? "fr" : "en";
})();

export const FR = {
  // login
  "Dover Strait command cell": "Cellule de commandement du détroit du Pas-de-Calais",
  "User name": "Nom d'utilisateur",
  Password: "Mot de passe",
  "Sign in": "Se connecter",
  "Authorised users only. Access is audited.": "Réservé aux utilisateurs autorisés. Les accès sont journalisés.",
  "Wrong user name or password.": "Nom d'utilisateur ou mot de passe incorrect.",
  "Signed out.": "Déconnecté.",
  "Your session has ended. Sign in again.": "Votre session a expiré. Reconnectez-vous.",
  "Sign-in failed": "Échec de la connexion",
  "SIMULATED — demonstration picture, not real traffic": "SIMULÉ — situation de démonstration, pas du trafic réel",
  // top bar
  "Dover Strait": "Pas-de-Calais",
  "EVENT TIME": "HEURE DES DONNÉES",
  "Event time of the picture (UTC)": "Heure des données de la situation (UTC)",
  "Sign out": "Déconnexion",
  offline: "hors ligne",
  live: "en direct",
  "connecting…": "connexion…",
  "reconnecting…": "reconnexion…",
  vessel: "navire",
  vessels: "navires",
  of: "sur",
  // picture list
  Vessels: "Navires",
  "Filter name, MMSI, call sign, destination": "Filtrer nom, MMSI, indicatif, destination",
  "Filter vessels": "Filtrer les navires",
  Type: "Type",
  "Name / MMSI": "Nom / MMSI",
  "SOG kn": "Vitesse nd",
  "COG °": "Route °",
  Seen: "Vu",
  "Sort by type": "Trier par type",
  "Map of the Strait of Dover": "Carte du détroit du Pas-de-Calais",
  Views: "Vues",
  Cargo: "Cargo",
  Tanker: "Pétrolier",
  "Passenger / ferry": "Passagers / ferry",
  Fishing: "Pêche",
  "Small craft": "Petite embarcation",
  "Other / unknown": "Autre / inconnu",
  "UK–FR boundary 1988": "Limite FR–RU 1988",
  TSS: "DST",
  "Embarkation commune": "Commune d'embarquement",
  // detail panel
  "Close details": "Fermer le détail",
  "SIMULATED TRACK": "PISTE SIMULÉE",
  Name: "Nom",
  "Call sign": "Indicatif",
  Destination: "Destination",
  Position: "Position",
  "Lat / lon": "Lat / lon",
  SOG: "Vitesse",
  COG: "Route",
  Heading: "Cap",
  "not available": "non disponible",
  "Nav status": "Statut de navigation",
  "Last seen": "Vu pour la dernière fois",
  Source: "Source",
  Simulated: "Simulé",
  "yes — simulated data": "oui — données simulées",
  no: "non",
  ago: "il y a",
  "History unavailable.": "Historique indisponible.",
  "History trail: no positions in the last hour.": "Historique : aucune position dans la dernière heure.",
  "History trail": "Historique",
  positions: "positions",
  position: "position",
  Marking: "Marquage",
};

export function tr(en) {
  return LANG === "fr" && FR[en] !== undefined ? FR[en] : en;
}

// t(en, fr): what views get as ctx.t — their own French, else the dictionary, else the English.
export function t(en, fr) {
  if (LANG !== "fr") return en;
  return fr ?? FR[en] ?? en;
}

export function translatePage(root = document) {
  document.documentElement.lang = LANG;
  if (LANG === "en") return;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = tr(el.textContent.trim());
  for (const attr of ["placeholder", "title", "aria-label"]) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, tr(el.getAttribute(attr) || ""));
    }
  }
}
