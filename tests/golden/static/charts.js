// Draws every chart on the page from its JSON block (<script type="application/json">), and adds
// per-chart tools: PNG and CSV downloads of exactly what is shown, an embed code, and (for charts
// with a series per province) a province picker whose selection lives in the page address.
// The same numbers are in the table after each chart; without JavaScript the tables remain.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var lang = document.documentElement.lang === "vi" ? "vi-VN" : "en";
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function draw(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block) { return null; }
    var spec = JSON.parse(block.textContent);
    var horizontal = spec.kind === "hbar";
    var percent = spec.percent;
    // The box stays hidden until a chart can draw, so a blocked CDN or no JavaScript leaves no hole.
    canvas.parentNode.hidden = false;
    var valueAxis = {
      beginAtZero: true, stacked: spec.stacked, max: spec.max === null ? undefined : spec.max,
      suggestedMax: spec.reference === null ? undefined : spec.reference * 1.1,
      ticks: { callback: function (v) { return numberFormat.format(v) + (percent ? "%" : ""); } }
    };
    var categoryAxis = { stacked: spec.stacked };
    var chart = new window.Chart(canvas, {
      type: spec.kind === "line" ? "line" : "bar",
      plugins: spec.reference === null ? [] : [reference(spec.reference, horizontal)],
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.colour, borderColor: d.colour, key: d.key,
            spanGaps: true };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { position: "bottom", display: spec.datasets.length > 1 },
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
    canvas.spec = spec;
    return chart;
  }

  // A dashed line across the plot at a value of the value axis (100% of a target), labelled with it.
  function reference(value, horizontal) {
    return {
      id: "reference",
      afterDatasetsDraw: function (chart) {
        var scale = chart.scales[horizontal ? "x" : "y"], area = chart.chartArea, ctx = chart.ctx;
        var at = scale.getPixelForValue(value);
        ctx.save();
        ctx.strokeStyle = "#1a1a1a";
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        if (horizontal) { ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom); } else { ctx.moveTo(area.left, at); ctx.lineTo(area.right, at); }
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = "#1a1a1a";
        ctx.font = "12px sans-serif";
        ctx.fillText(numberFormat.format(value) + "%", horizontal ? at + 4 : area.left + 4, horizontal ? area.top + 12 : at - 4);
        ctx.restore();
      }
    };
  }

  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function visible(canvas) {
    return canvas.chart.data.datasets.filter(function (d, i) { return canvas.chart.isDatasetVisible(i); });
  }

  function csv(canvas) {
    var spec = canvas.spec;
    var quote = function (text) {
      text = String(text);
      if (/^[=+\-@]/.test(text)) { text = "'" + text; }
      return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    };
    var lines = [[""].concat(spec.labels).map(quote).join(",")];
    visible(canvas).forEach(function (d) {
      lines.push([d.label].concat(d.data.map(function (v) { return v === null ? "" : v; })).map(quote).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function png(canvas, figure, then) {
    var title = canvas.spec.title, pad = 16, top = 40, bottom = 48;
    var out = document.createElement("canvas");
    out.width = canvas.width + 2 * pad;
    out.height = canvas.height + top + bottom;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#1a1a1a";
    ctx.font = "bold 16px sans-serif";
    ctx.fillText(title, pad, 26, out.width - 2 * pad);
    ctx.drawImage(canvas, pad, top);
    ctx.font = "13px sans-serif";
    ctx.fillText(figure.getAttribute("data-unit"), pad, top + canvas.height + 20, out.width - 2 * pad);
    ctx.fillText(figure.getAttribute("data-source") + " — " + location.href.split("?")[0], pad,
      top + canvas.height + 38, out.width - 2 * pad);
    out.toBlob(then, "image/png");
  }

  function tools(canvas, figure) {
    var box = figure.querySelector(".chart-tools");
    if (!box) { return; }
    box.hidden = false;
    box.querySelector("[data-action=png]").addEventListener("click", function () {
      png(canvas, figure, function (blob) { save(blob, figure.id.replace(/^fig-/, "") + ".png"); });
    });
    box.querySelector("[data-action=csv]").addEventListener("click", function () {
      save(new Blob([csv(canvas)], { type: "text/csv;charset=utf-8" }), figure.id.replace(/^fig-/, "") + ".csv");
    });
    var embed = new URL(figure.getAttribute("data-embed"), location.href).href;
    box.querySelector("textarea").value = '<iframe src="' + embed + '" width="100%" height="460" title="' +
      canvas.spec.title.replace(/"/g, "&quot;") + '" loading="lazy" style="border:0"></iframe>';
  }

  function compare(canvas, figure) {
    var box = figure.querySelector("fieldset.compare");
    if (!box) { return; }
    box.hidden = false;
    var chart = canvas.chart;
    var options = box.querySelector(".compare-options");
    var rows = figure.querySelectorAll("tbody tr[data-key]");
    var param = new URLSearchParams(location.search).get("p");
    var chosen = param ? param.split(",") : null;
    chart.data.datasets.forEach(function (d, i) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = d.key;
      box.checked = !chosen || chosen.indexOf(d.key) >= 0;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + d.label));
      options.appendChild(label);
    });
    function apply(updateAddress) {
      var keys = [];
      var boxes = options.querySelectorAll("input");
      boxes.forEach(function (b, i) {
        chart.setDatasetVisibility(i, b.checked);
        if (b.checked) { keys.push(b.value); }
      });
      rows.forEach(function (row) { row.hidden = keys.indexOf(row.getAttribute("data-key")) < 0; });
      chart.update();
      if (updateAddress) {
        var url = new URL(location.href);
        if (keys.length === boxes.length) { url.searchParams.delete("p"); } else { url.searchParams.set("p", keys.join(",")); }
        history.replaceState(null, "", url.toString());
      }
    }
    options.addEventListener("change", function () { apply(true); });
    box.querySelector("[data-action=all]").addEventListener("click", function () {
      options.querySelectorAll("input").forEach(function (b) { b.checked = true; });
      apply(true);
    });
    box.querySelector("[data-action=none]").addEventListener("click", function () {
      options.querySelectorAll("input").forEach(function (b) { b.checked = false; });
      apply(true);
    });
    apply(false);
  }

  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) {
    if (draw(canvases[i])) {
      var figure = canvases[i].closest("figure");
      tools(canvases[i], figure);
      compare(canvases[i], figure);
    }
  }
})();
