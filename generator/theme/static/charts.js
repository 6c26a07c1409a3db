// Draws every chart on the page from its JSON block (<script type="application/json">).
// The same numbers are in the table after each chart; without JavaScript the tables remain.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var numberFormat = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });

  function draw(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block) { return; }
    var spec = JSON.parse(block.textContent);
    var horizontal = spec.kind === "hbar";
    var percent = spec.max === 100;
    var valueAxis = {
      beginAtZero: true, stacked: spec.stacked, max: spec.max === null ? undefined : spec.max,
      ticks: { callback: function (v) { return numberFormat.format(v) + (percent ? "%" : ""); } }
    };
    var categoryAxis = { stacked: spec.stacked };
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.colour, borderColor: d.colour };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = ctx.parsed[horizontal ? "x" : "y"];
                return ctx.dataset.label + ": " + numberFormat.format(v) + (percent ? "%" : "");
              }
            }
          }
        }
      }
    });
    canvas.chart = chart;
  }

  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) { draw(canvases[i]); }
})();
