/* shadowtrace: draw the figures of a page from their JSON blocks.
 *
 * Each element with data-figure="ID" is drawn with Plotly from the JSON in
 * <script type="application/json" id="ID">. The data is parsed, never evaluated,
 * and no markup is built from it here. A click on a marker whose point carries an
 * event id scrolls to that event's evidence (data-anchor-prefix + id).
 */
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    scrollZoom: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]
  };

  function goToEvidence(el, points) {
    var prefix = el.getAttribute("data-anchor-prefix") || "";
    for (var i = 0; i < points.length; i++) {
      var id = points[i].customdata;
      if (typeof id === "string" && id) {
        var target = document.getElementById(prefix + id);
        if (target) {
          target.scrollIntoView({behavior: "smooth", block: "start"});
          return;
        }
      }
    }
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(el, figure.data || [], figure.layout || {}, CONFIG).then(function () {
      el.setAttribute("data-drawn", "true");
      el.on("plotly_click", function (event) { goToEvidence(el, event.points || []); });
    });
  }

  function resizeAll() {
    var figures = document.querySelectorAll("[data-figure][data-drawn]");
    for (var i = 0; i < figures.length; i++) {
      Plotly.Plots.resize(figures[i]);
    }
  }

  var figures = document.querySelectorAll("[data-figure]");
  for (var i = 0; i < figures.length; i++) {
    draw(figures[i]);
  }
  window.addEventListener("beforeprint", resizeAll);
})();
