/* The HTML report's only script: sorting and filtering the plans table.
   Without it the page is complete (the table comes worst first); it never
   writes markup from data (textContent and new Option only), and reads its
   lists from the JSON block rather than from the page's text. */
(function () {
  "use strict";
  var table = document.getElementById("plan-table");
  var form = document.getElementById("plan-filter");
  var status = document.getElementById("plan-count");
  var order = document.getElementById("plan-order");
  var dataBlock = document.getElementById("qr-data");
  if (!table || !form || !status || !order || !dataBlock) { return; }
  var data = JSON.parse(dataBlock.textContent);
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.hasAttribute("data-r"); });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var firstCriterion = heads.findIndex(function (head) { return head.hasAttribute("data-c"); });
  var collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });
  var worstFirst = order.textContent;

  function sortKey(row, column, kind) {
    var cell = row.cells[column];
    if (kind === "rank" || kind === "num") { return Number(cell.getAttribute("data-s")); }
    return cell.textContent.trim();
  }

  function sortBy(column) {
    var head = heads[column];
    var kind = head.getAttribute("data-k");
    var current = head.getAttribute("aria-sort");
    // Ratings and money sort worst first on the first click; names and codes A to Z.
    var direction = current ? (current === "ascending" ? "descending" : "ascending") : (kind === "text" ? "ascending" : "descending");
    heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
    head.setAttribute("aria-sort", direction);
    var sign = direction === "ascending" ? 1 : -1;
    var keyed = rows.map(function (row, index) { return { row: row, key: sortKey(row, column, kind), index: index }; });
    keyed.sort(function (a, b) {
      var by = kind === "text" ? collator.compare(a.key, b.key) : a.key - b.key;
      // Ties keep the worst-first order the page came in, so a sort is stable and repeatable.
      return by * sign || a.index - b.index;
    });
    var words = kind === "text" ? (sign > 0 ? "A to Z" : "Z to A") : (kind === "num" ? (sign > 0 ? "smallest first" : "largest first") : (sign > 0 ? "best first" : "worst first"));
    order.textContent = "sorted by " + head.textContent.trim() + ", " + words;
    // Reorder off the page, then put the rows back in one go.
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  heads.forEach(function (head, column) {
    if (!head.hasAttribute("data-k") || rows.length < 2) { return; }
    var button = document.createElement("button");
    button.type = "button";
    while (head.firstChild) { button.appendChild(head.firstChild); }
    head.appendChild(button);
    button.addEventListener("click", function () { sortBy(column); });
  });
  if (rows.length > 1) {
    table.caption.appendChild(document.createTextNode("; select a column heading to sort by it"));
  }

  function fill(select, labels) {
    labels.forEach(function (label, index) { select.appendChild(new Option(label, String(index))); });
  }
  var rating = document.getElementById("f-rating");
  var region = document.getElementById("f-region");
  var team = document.getElementById("f-team");
  var rule = document.getElementById("f-rule");
  var ruleRating = document.getElementById("f-rule-r");
  var criterion = document.getElementById("f-crit");
  var criterionRating = document.getElementById("f-crit-r");
  fill(region, data.regions || []);
  fill(team, data.areaTeams || []);

  function onRule(row) {
    var wanted = " " + rule.value + " ";
    var red = row.getAttribute("data-red").indexOf(wanted) >= 0;
    var amber = row.getAttribute("data-amber").indexOf(wanted) >= 0;
    return ruleRating.value === "red" ? red : (ruleRating.value === "amber" ? amber : red || amber);
  }

  function apply() {
    var shown = 0;
    criterionRating.disabled = criterion.value === "";
    ruleRating.disabled = rule.value === "";
    rows.forEach(function (row) {
      var keep = (!rating.value || row.getAttribute("data-r") === rating.value) &&
        (!region.value || row.getAttribute("data-g") === region.value) &&
        (!team.value || row.getAttribute("data-t") === team.value) &&
        (!rule.value || onRule(row));
      if (keep && criterion.value !== "") {
        var cell = row.cells[firstCriterion + Number(criterion.value)];
        keep = cell.getAttribute("data-s") === criterionRating.value;
      }
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    status.textContent = "Showing " + shown + " of " + rows.length + " plan" + (rows.length === 1 ? "" : "s");
  }

  // "Failures by rule" links show the plans red (or amber) on their rule.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-rule]"), function (link) {
    link.addEventListener("click", function () {
      form.reset();
      rule.value = link.getAttribute("data-rule");
      ruleRating.value = link.getAttribute("data-rr");
      apply();
    });
  });

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  order.textContent = worstFirst;
  apply();
}());
