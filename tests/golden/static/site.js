// Search on every page: the box filters the edition's search index (diacritics and case ignored),
// a list of suggestions is keyboard-usable; without JavaScript the form opens the /search/ page,
// which lists everything.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector("[role=listbox]");
  var index = null;
  var active = -1;

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function score(item, words, phrase) {
    var title = fold(item.t);
    for (var i = 0; i < words.length; i++) { if (item.f.indexOf(words[i]) < 0) { return -1; } }
    var s = item.r;
    if (title === phrase) { s += 100; } else if (title.indexOf(phrase) === 0) { s += 50; }
    else if ((" " + title).indexOf(" " + phrase) >= 0) { s += 25; } else if (title.indexOf(phrase) >= 0) { s += 10; }
    return s;
  }

  function search(query) {
    var phrase = fold(query).trim();
    if (!phrase || !index) { return []; }
    var words = phrase.split(/\s+/);
    return index.map(function (item) { return [score(item, words, phrase), item]; })
      .filter(function (pair) { return pair[0] >= 0; })
      .sort(function (a, b) { return b[0] - a[0] || (a[1].t < b[1].t ? -1 : 1); })
      .map(function (pair) { return pair[1]; });
  }

  function setActive(n) {
    var options = list.querySelectorAll("[role=option]");
    active = Math.max(-1, Math.min(n, options.length - 1));
    for (var i = 0; i < options.length; i++) { options[i].setAttribute("aria-selected", i === active ? "true" : "false"); }
    if (active >= 0) { input.setAttribute("aria-activedescendant", options[active].id); }
    else { input.removeAttribute("aria-activedescendant"); }
  }

  // An entry's link and a labelled part of it, as the box and the search page show them.
  function link(item) {
    var a = document.createElement("a");
    a.href = item.u;
    a.textContent = item.t;
    return a;
  }

  function span(className, text) {
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    return el;
  }

  function show(results) {
    list.textContent = "";
    results.slice(0, 8).forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "search-option-" + i;
      li.setAttribute("role", "option");
      var a = link(item);
      a.tabIndex = -1;
      li.append(a, span("kind", item.k + (item.d ? " · " + item.d : "")));
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    setActive(-1);
  }

  // search-index.json names the texts entries share by their place in one list (output/search_index.py):
  // each entry is [title, address, kind, detail, rank, [parts of its folded text]].
  function expand(data) {
    var s = data.s;
    return data.e.map(function (x) {
      return { t: x[0], u: x[1], k: s[x[2]], d: s[x[3]], r: x[4], f: x[5].map(function (i) { return s[i]; }).join(" ") };
    });
  }

  function load(then) {
    if (index) { then(); return; }
    fetch(form.getAttribute("data-index")).then(function (r) { return r.json(); })
      .then(function (data) { index = expand(data); then(); });
  }

  input.addEventListener("input", function () { load(function () { show(search(input.value)); }); });
  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("keydown", function (e) {
    var options = list.querySelectorAll("[role=option]");
    if (e.key === "ArrowDown") { setActive(active + 1); e.preventDefault(); }
    else if (e.key === "ArrowUp") { setActive(active - 1); e.preventDefault(); }
    else if (e.key === "Escape") { show([]); }
    else if (e.key === "Enter" && active >= 0 && options[active]) {
      e.preventDefault();
      window.location.href = options[active].querySelector("a").href;
    }
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) { list.hidden = true; } });

  // The /search/ page: filter the grouped index with ?q= or what is typed; a group with nothing left
  // is hidden, and so is the jump list while a query is on (every word must match, as in plan.search).
  // Each entry's searched text comes from the search index, by the entry's address.
  var all = document.getElementById("search-all");
  if (all) {
    var items = Array.prototype.slice.call(all.querySelectorAll("li"));
    var groups = Array.prototype.slice.call(all.querySelectorAll(".search-group"));
    var jump = document.querySelector(".search-jump");
    var count = document.getElementById("search-count");
    var folded = null;
    // At national scale the page lists no records (search.html): each entry of the index missing from the
    // page is added at the end of its province's group, named by its address (provinces/<slug>/#…), in
    // the index's order, which is the page's within a group; the page is then what it is for a small site.
    var addMissing = function () {
      var listed = {};
      items.forEach(function (li) { listed[li.querySelector("a").getAttribute("href")] = true; });
      index.forEach(function (item) {
        var slug = listed[item.u] ? null : /\/provinces\/([a-z0-9-]+)\/#[^/]*$/.exec(item.u);
        var list = slug && document.querySelector("#g-" + slug[1] + " ul");
        if (!list) { return; }
        var li = document.createElement("li");  // as search.html writes an entry
        li.append(link(item), " ", span("kind", item.k));
        if (item.d) { li.append(" ", span("detail", item.d)); }
        list.appendChild(li);
      });
      items = Array.prototype.slice.call(all.querySelectorAll("li"));
    };
    var filter = function (query) {
      var words = fold(query).trim().split(/\s+/).filter(Boolean);
      if (words.length && !folded) {
        load(function () {
          folded = {};
          index.forEach(function (item) { folded[item.u] = item.f; });
          addMissing();
          filter(input.value);
        });
        return;
      }
      var shown = 0;
      items.forEach(function (li) {
        var text = words.length ? folded[li.querySelector("a").getAttribute("href")] || "" : "";
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        li.hidden = !ok;
        if (ok) { shown++; }
      });
      groups.forEach(function (g) { g.hidden = !g.querySelector("li:not([hidden])"); });
      if (jump) { jump.hidden = words.length > 0; }
      count.textContent = !words.length ? "" : shown ? shown + " " + count.getAttribute("data-label")
        : count.getAttribute("data-none");
    };
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    filter(q);
    input.addEventListener("input", function () { filter(input.value); });
  }
})();

// Copy-link anchors (the "#" beside a record, a headline figure or a table row): without JavaScript a
// plain link to that place, to bookmark or share; with it, a click also copies the full address and
// says so in the page's status line, which a screen reader announces.
(function () {
  "use strict";
  var status = document.querySelector(".copy-status");
  if (!status) { return; }
  var timer = null;

  function say(key, address) {
    status.textContent = status.getAttribute(key) + " " + address;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { status.textContent = ""; }, 6000);
  }

  document.addEventListener("click", function (e) {
    var link = e.target instanceof Element ? e.target.closest("a.permalink") : null;
    if (!link) { return; }
    var address = window.location.href.split("#")[0] + link.getAttribute("href");
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(address).then(function () { say("data-copied", address); },
        function () { say("data-failed", address); });
    } else {
      say("data-failed", address);
    }
  });
})();
