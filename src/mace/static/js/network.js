// The link chart: Cytoscape.js draws the links the table beside it lists (the same data, one edge a row).
// Without JavaScript the table is the page; the chart is hidden from assistive technology, which has the table.
const holder = document.getElementById("network-chart");
const data = document.getElementById("network-data");
if (holder && data && window.cytoscape) {
  holder.hidden = false;
  const colours = { child: "#1d70b8", adult: "#d4351c", place: "#00703c", vehicle: "#4c2c92", online: "#f47738", group: "#505a5f", withheld: "#b1b4b6" };
  const cy = window.cytoscape({
    container: holder,
    elements: JSON.parse(data.textContent),
    layout: { name: "cose", animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": (n) => colours[n.data("kind")] || "#505a5f", "font-size": 11, "text-wrap": "wrap", "text-max-width": 120 } },
      { selector: "edge", style: { label: "data(label)", "font-size": 9, width: 2, "line-color": "#b1b4b6", "curve-style": "bezier" } },
    ],
  });
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.assign(href);
  });
  holder.dataset.nodes = String(cy.nodes().length);
  holder.dataset.edges = String(cy.edges().length);
}
