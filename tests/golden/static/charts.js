// Draws every chart from the table beside it: the table is the only copy of the numbers (read from the
// cells as written) and of the newspapers behind each row (data-sources); a small JSON block holds the
// kind and colours. Adds per-chart tools: PNG and CSV downloads of exactly what is selected, an embed
// code, and (for charts with a series per province) a province picker whose selection lives in the page
// address. The embed page (main.embed-chart) draws one chart read from the table on its own page.
// Without JavaScript, or when Chart.js is blocked, the tables stand alone.
(function () {
  "use strict";
  var lang = document.documentElement.lang === "vi" ? "vi-VN" : "en";
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  // A PNG is drawn off screen at a fixed size and scale, so a phone gives the same print-ready image as a desk.
  var PNG = { width: 800, height: 450, scale: 2, pad: 24 };
  var EMBED_HEIGHT = 520; // the frame's height before the page reports its own; the credit sits above the chart
  var embedMain = document.querySelector("main.embed-chart");
  if (typeof window.Chart === "undefined") {
    if (embedMain) { reportHeight(); }
    return;
  }

  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }

  // A table cell's figure as the edition writes it ("gần 6.027", "92,94%*", "about 6,027"): the first number
  // outside the derivation's explanation, read with the edition's separators; "–" is no figure.
  function cellNumber(cell) {
    var shown = cell.cloneNode(true);
    shown.querySelectorAll("details, .base-unstated").forEach(function (e) { e.remove(); });
    var found = shown.textContent.match(/\d[\d.,]*/);
    if (!found) { return null; }
    var digits = found[0].split(lang === "vi-VN" ? "." : ",").join("");
    return parseFloat(lang === "vi-VN" ? digits.replace(",", ".") : digits);
  }
  // A row's value cells: after the row's name, without the sources column tables end with.
  function after(first) {
    return function (row) {
      return Array.prototype.slice.call(row.cells, first).filter(function (c) { return !c.classList.contains("source"); });
    };
  }
  var valueCells = after(1);

  // The words a PNG or an embed adds: "Số liệu cả năm: {years}|và {n} báo khác|site title".
  function words(el) {
    var w = el.getAttribute("data-words").split("|");
    return { period: w[0], more: w[1], site: w[2] };
  }

  // Legend entries cut with "…" to what a line of the chart's width holds (a committee's full name can be
  // wider than a phone): the table beside the chart names each series in full.
  function shortLabels(chart) {
    var items = window.Chart.defaults.plugins.legend.labels.generateLabels(chart);
    var most = Math.max(16, Math.floor(chart.width / 8) - 6);
    items.forEach(function (item) {
      if (item.text.length > most) { item.text = item.text.slice(0, most - 1).trim() + "…"; }
    });
    return items;
  }

  // The chart as drawn: kind and colours from the JSON block, names and numbers from the table; `say`
  // holds the words of the page that shows it.
  function read(figure, say) {
    var config = JSON.parse(figure.querySelector("script[type='application/json']").textContent);
    var table = figure.querySelector("table");
    var bySeries = table.getAttribute("data-orientation") === "series";
    var head = valueCells(table.tHead.rows[0]).map(text);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var names = rows.map(function (r) { return text(r.cells[0]); });
    var numbers = rows.map(function (r) {
      return valueCells(r).map(cellNumber);
    });
    var sources = rows.map(function (r) {
      return JSON.parse(r.getAttribute("data-sources") || "[]").map(function (s) {
        return s.length === 3 ? [s[0], s[1], s[1], s[2], s[2]] : s; // one date: first and last alike
      });
    });
    return {
      kind: config.kind, stacked: config.stacked, max: config.max, percent: config.percent,
      reference: config.reference, bySeries: bySeries, labels: bySeries ? head : names,
      labelSources: bySeries ? head.map(function () { return []; }) : sources,
      datasets: config.series.map(function (s, i) {
        return {
          label: bySeries ? names[i] : head[i], colour: s[0], key: s[1], sources: bySeries ? sources[i] : [],
          data: bySeries ? numbers[i] : numbers.map(function (row) { return row[i]; })
        };
      }),
      title: text(figure.querySelector("figcaption")), period: figure.getAttribute("data-period") || "",
      words: say, source: figure.getAttribute("data-source"), site: say.site, unit: figure.getAttribute("data-unit")
    };
  }

  // The same chart with only the series kept, and only the years (labels) where a kept series has a number.
  function subset(spec, keep) {
    var sets = spec.datasets.filter(keep);
    var at = spec.labels.map(function (l, i) { return i; }).filter(function (i) {
      return sets.some(function (d) { return d.data[i] !== null; });
    });
    var pick = function (list) { return at.map(function (i) { return list[i]; }); };
    var view = Object.assign({}, spec, {
      labels: pick(spec.labels), labelSources: pick(spec.labelSources),
      datasets: sets.map(function (d) { return Object.assign({}, d, { data: pick(d.data) }); })
    });
    return view;
  }

  // "Nguồn: Báo Trà Vinh (12/01/2023–05/01/2024); Báo Lâm Đồng (03/2024)": the newspapers of what is shown.
  function credit(view) {
    var found = {}, order = [];
    function add(list) {
      list.forEach(function (s) {
        var held = found[s[0]];
        if (!held) { found[s[0]] = { first: s[1], firstKey: s[3], last: s[2], lastKey: s[4] }; order.push(s[0]); return; }
        if (s[3] && (!held.firstKey || s[3] < held.firstKey)) { held.first = s[1]; held.firstKey = s[3]; }
        if (s[4] > held.lastKey) { held.last = s[2]; held.lastKey = s[4]; }
      });
    }
    view.datasets.forEach(function (d) { add(d.sources); });
    view.labelSources.forEach(add);
    var parts = order.map(function (name) {
      var p = found[name];
      var when = p.firstKey === p.lastKey ? p.first : p.first + "–" + p.last;
      return when ? name + " (" + when + ")" : name;
    });
    if (parts.length > 4) { parts = parts.slice(0, 3).concat([view.words.more.replace("{n}", parts.length - 3)]); }
    return view.source + ": " + parts.join("; ");
  }

  // "Số liệu cả năm: 2019–2023", from the years shown (a ranking keeps the span its page gives).
  function period(view) {
    var years = view.labels.filter(function (l) { return /^\d{4}$/.test(l); });
    var span = view.period;
    if (years.length && years.length === view.labels.length) {
      span = years[0] === years[years.length - 1] ? years[0] : years[0] + "–" + years[years.length - 1];
    }
    return span ? view.words.period.replace("{years}", span) : "";
  }

  // A ranking gets a row of height per province, so sixty names stay readable (never less than `least`).
  function tall(view, least) {
    return view.kind === "hbar" ? Math.max(least, 22 * view.labels.length + 60) : least;
  }

  function config(spec, options) {
    var horizontal = spec.kind === "hbar";
    var percent = spec.percent;
    var valueAxis = {
      beginAtZero: true, stacked: spec.stacked, max: spec.max === null ? undefined : spec.max,
      suggestedMax: spec.reference === null ? undefined : spec.reference * 1.1,
      ticks: { callback: function (v) { return numberFormat.format(v) + (percent ? "%" : ""); } }
    };
    var categoryAxis = { stacked: spec.stacked };
    var legend = { position: "bottom", display: spec.datasets.length > 1, labels: { generateLabels: shortLabels } };
    if (options.legendClick) { legend.onClick = options.legendClick; }
    return {
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
        responsive: !options.fixed,
        devicePixelRatio: options.fixed ? PNG.scale : undefined,
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: legend,
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
    };
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

  function shown(canvas) {
    return subset(canvas.spec, function (d, i) { return canvas.chart.isDatasetVisible(i); });
  }

  function csv(view) {
    var quote = function (value) {
      var t = String(value);
      if (/^[=+\-@]/.test(t)) { t = "'" + t; }
      return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    };
    var lines = [[""].concat(view.labels).map(quote).join(",")];
    view.datasets.forEach(function (d) {
      lines.push([d.label].concat(d.data.map(function (v) { return v === null ? "" : v; })).map(quote).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  // Lines of at most `width` pixels in the context's current font, broken between words.
  function wrap(ctx, all, width) {
    var lines = [], line = "";
    all.split(" ").forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && ctx.measureText(next).width > width) { lines.push(line); line = word; } else { line = next; }
    });
    return line ? lines.concat([line]) : lines;
  }

  // The image: title, period, the chart of what is selected, then the newspapers and dates, the unit and
  // the portal address, drawn at PNG.scale whatever the screen.
  function png(view, address, then) {
    var stage = document.createElement("div");
    stage.className = "png-stage";
    var off = document.createElement("canvas");
    var chartHeight = tall(view, PNG.height);
    off.width = PNG.width;
    off.height = chartHeight;
    stage.appendChild(off);
    document.body.appendChild(stage);
    var drawn = new window.Chart(off, config(view, { fixed: true }));
    var out = document.createElement("canvas");
    var ctx = out.getContext("2d");
    var blocks = [
      { font: "bold 20px sans-serif", text: view.title, gap: 26 }, { font: "14px sans-serif", text: period(view), gap: 20 },
      { chart: true }, { font: "13px sans-serif", text: credit(view), gap: 18 },
      { font: "13px sans-serif", text: view.unit, gap: 18 }, { font: "13px sans-serif", text: address, gap: 18 }
    ];
    var height = PNG.pad;
    blocks.forEach(function (b) {
      if (b.chart) { height += chartHeight + 12; return; }
      ctx.font = b.font;
      b.lines = b.text ? wrap(ctx, b.text, PNG.width) : [];
      height += b.lines.length * b.gap;
    });
    out.width = (PNG.width + 2 * PNG.pad) * PNG.scale;
    out.height = (height + PNG.pad) * PNG.scale;
    ctx.scale(PNG.scale, PNG.scale);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#1a1a1a";
    var y = PNG.pad;
    blocks.forEach(function (b) {
      if (b.chart) { ctx.drawImage(off, PNG.pad, y, PNG.width, chartHeight); y += chartHeight + 12; return; }
      ctx.font = b.font;
      b.lines.forEach(function (line) { y += b.gap; ctx.fillText(line, PNG.pad, y - 6); });
    });
    drawn.destroy();
    stage.remove();
    out.toBlob(then, "image/png");
  }

  // The address with the selection as `p=hai-phong,lam-dong` (no %2C), other parameters kept.
  function withSelection(href, keys) {
    var url = new URL(href, location.href);
    var rest = url.search.replace(/^\?/, "").split("&").filter(function (p) { return p && p.split("=")[0] !== "p"; });
    if (keys) { rest.push("p=" + keys.map(encodeURIComponent).join(",")); }
    return url.pathname + (rest.length ? "?" + rest.join("&") : "") + url.hash;
  }

  function escapeAttribute(t) {
    return t.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // The code a journalist pastes: the frame, and a small script that sets its height to what the embed
  // page reports (only from the portal's origin and from that very frame).
  function embedCode(figure, spec, keys) {
    var src = new URL(withSelection(figure.getAttribute("data-embed"), keys), location.href);
    return '<iframe src="' + escapeAttribute(src.href) + '" width="100%" height="' + EMBED_HEIGHT + '" title="' +
      escapeAttribute(spec.title) + '" loading="lazy" style="border:0" data-portal-embed></iframe>\n' +
      '<script>addEventListener("message",function(e){document.querySelectorAll("iframe[data-portal-embed]")' +
      '.forEach(function(f){if(e.origin===' + JSON.stringify(src.origin) + '&&e.source===f.contentWindow&&e.data' +
      '&&typeof e.data.portalEmbedHeight==="number"){f.style.height=Math.ceil(e.data.portalEmbedHeight)+"px";}});});' +
      "</scr" + "ipt>";
  }

  // Legend, checkboxes, table rows, address, and the embed code: one selection, kept in step.
  function compare(canvas, figure, changed) {
    var box = figure.querySelector("fieldset.compare");
    var chart = canvas.chart;
    var rows = figure.querySelectorAll("tbody tr[data-key]");
    var params = new URLSearchParams(location.search);
    var chosen = box && params.has("p") ? params.get("p").split(",") : null;
    var options = box ? box.querySelector(".compare-options") : null;
    if (box) {
      box.hidden = false;
      chart.data.datasets.forEach(function (d) {
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.value = d.key;
        input.checked = !chosen || chosen.indexOf(d.key) >= 0;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + d.label));
        options.appendChild(label);
      });
    }
    function apply(updateAddress) {
      var keys = [], all = true;
      if (options) {
        options.querySelectorAll("input").forEach(function (b, i) {
          chart.setDatasetVisibility(i, b.checked);
          if (b.checked) { keys.push(b.value); } else { all = false; }
        });
        rows.forEach(function (row) { row.hidden = keys.indexOf(row.getAttribute("data-key")) < 0; });
        chart.update();
        if (updateAddress) { history.replaceState(null, "", withSelection(location.href, all ? null : keys)); }
      }
      changed(all ? null : keys);
    }
    if (box) {
      options.addEventListener("change", function () { apply(true); });
      box.querySelector("[data-action=all]").addEventListener("click", function () {
        options.querySelectorAll("input").forEach(function (b) { b.checked = true; });
        apply(true);
      });
      box.querySelector("[data-action=none]").addEventListener("click", function () {
        options.querySelectorAll("input").forEach(function (b) { b.checked = false; });
        apply(true);
      });
    }
    apply(false);
    // A click on the legend ticks or unticks the province's box, so everything else follows.
    return function (event, item, legend) {
      var input = options ? options.querySelectorAll("input")[item.datasetIndex] : null;
      if (!input) { window.Chart.defaults.plugins.legend.onClick.call(this, event, item, legend); changed(null); return; }
      input.checked = !input.checked;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };
  }

  function tools(canvas, figure) {
    var box = figure.querySelector(".chart-tools");
    var name = figure.id.replace(/^fig-/, "");
    box.hidden = false;
    box.querySelector("[data-action=png]").addEventListener("click", function () {
      png(shown(canvas), location.origin + location.pathname + location.search, function (blob) { save(blob, name + ".png"); });
    });
    box.querySelector("[data-action=csv]").addEventListener("click", function () {
      save(new Blob([csv(shown(canvas))], { type: "text/csv;charset=utf-8" }), name + ".csv");
    });
    var code = box.querySelector("details.embed textarea");
    return function (keys) {
      if (code) { code.value = embedCode(figure, canvas.spec, keys); }
    };
  }

  function drawPage(canvas) {
    var figure = canvas.closest("figure");
    var spec = read(figure, words(figure.querySelector("[data-action=png]")));
    var legendClick = null;
    // The box stays hidden until a chart can draw, so a blocked CDN or no JavaScript leaves no hole.
    canvas.parentNode.hidden = false;
    if (spec.kind === "hbar") { canvas.parentNode.style.height = tall(spec, canvas.parentNode.clientHeight) + "px"; }
    canvas.spec = spec;
    canvas.chart = new window.Chart(canvas, config(spec, {
      legendClick: function (e, item, legend) { legendClick.call(this, e, item, legend); }
    }));
    legendClick = compare(canvas, figure, tools(canvas, figure));
  }

  // The embed page's height, for the frame's script in the page that embeds it.
  function reportHeight() {
    var main = document.querySelector("main");
    var post = function () {
      if (window.parent !== window) {
        window.parent.postMessage({ portalEmbedHeight: Math.ceil(main.getBoundingClientRect().bottom + window.scrollY) }, "*");
      }
    };
    post();
    if (window.ResizeObserver) { new ResizeObserver(post).observe(main); }
  }

  // The embed page: which chart comes from its address; its numbers from the table on the chart's own page.
  function drawEmbed(main) {
    var params = new URLSearchParams(location.search);
    var param = main.getAttribute("data-param");
    var value = param ? params.get(param) || "" : "";
    if (param && !/^[a-z0-9-]+$/.test(value)) { reportHeight(); return; }
    var source = main.getAttribute("data-source").replace("{x}", value);
    var figureId = main.getAttribute("data-figure").replace("{x}", value);
    fetch(source, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + source); }
      return response.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var figure = doc.getElementById(figureId);
      if (figure) { showEmbed(main, doc, figure, source, params, param); }
      reportHeight();
    }).catch(function () { reportHeight(); });
  }

  function showEmbed(main, doc, figure, source, params, param) {
    var spec = read(figure, words(main));
    var chosen = spec.bySeries && params.has("p") ? params.get("p").split(",") : null;
    var view = subset(spec, function (d) { return !chosen || chosen.indexOf(d.key) >= 0; });
    var heading = param === "province" ? text(doc.querySelector("main h1")) : "";
    main.querySelector(".embed-title").textContent = heading ? heading + " — " + spec.title : spec.title;
    var when = main.querySelector(".embed-period");
    when.textContent = period(view);
    when.hidden = !when.textContent;
    main.querySelector(".embed-publishers").textContent = credit(view);
    var link = main.querySelector(".embed-credit a");
    link.href = withSelection(source, chosen) + "#" + figure.id;
    var canvas = main.querySelector("canvas");
    canvas.setAttribute("aria-label", main.querySelector(".embed-title").textContent);
    canvas.parentNode.hidden = false;
    if (view.kind === "hbar") { canvas.parentNode.style.height = tall(view, canvas.parentNode.clientHeight) + "px"; }
    canvas.spec = view;
    canvas.chart = new window.Chart(canvas, config(view, {}));
  }

  if (embedMain) { drawEmbed(embedMain); return; }
  document.querySelectorAll("canvas[data-chart]").forEach(drawPage);
})();
