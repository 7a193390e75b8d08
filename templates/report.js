/* The HTML report's only script: sorting and filtering the plans table.
   Without it the page is complete; it never writes markup from data
   (textContent and new Option only), and reads its lists from the JSON
   block rather than from the page's text. */
(function () {
  "use strict";
  var table = document.getElementById("plan-table");
  var form = document.getElementById("plan-filter");
  var status = document.getElementById("plan-count");
  var dataBlock = document.getElementById("qr-data");
  if (!table || !form || !status || !dataBlock) { return; }
  var data = JSON.parse(dataBlock.textContent);
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.hasAttribute("data-r"); });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var firstCriterion = 5;

  var collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });

  function sortKey(row, column, kind) {
    var cell = row.cells[column];
    if (kind === "rank") { return Number(cell.getAttribute("data-s")); }
    return cell.textContent.trim();
  }

  function sortBy(column) {
    var head = heads[column];
    var kind = head.getAttribute("data-k");
    var current = head.getAttribute("aria-sort");
    // Ratings sort worst first on the first click; names and codes A to Z.
    var direction = current ? (current === "ascending" ? "descending" : "ascending") : (kind === "rank" ? "descending" : "ascending");
    heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
    head.setAttribute("aria-sort", direction);
    var sign = direction === "ascending" ? 1 : -1;
    var keyed = rows.map(function (row, index) { return { row: row, key: sortKey(row, column, kind), index: index }; });
    keyed.sort(function (a, b) {
      var order = kind === "rank" ? a.key - b.key : collator.compare(a.key, b.key);
      // Ties keep file order, so a sort is stable and repeatable.
      return order * sign || a.index - b.index;
    });
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

  function fill(select, labels) {
    labels.forEach(function (label, index) { select.appendChild(new Option(label, String(index))); });
  }
  var rating = document.getElementById("f-rating");
  var region = document.getElementById("f-region");
  var team = document.getElementById("f-team");
  var criterion = document.getElementById("f-crit");
  var criterionRating = document.getElementById("f-crit-r");
  fill(region, data.regions || []);
  fill(team, data.areaTeams || []);

  function apply() {
    var shown = 0;
    criterionRating.disabled = criterion.value === "";
    rows.forEach(function (row) {
      var keep = (!rating.value || row.getAttribute("data-r") === rating.value) &&
        (!region.value || row.getAttribute("data-g") === region.value) &&
        (!team.value || row.getAttribute("data-t") === team.value);
      if (keep && criterion.value !== "") {
        var cell = row.cells[firstCriterion + Number(criterion.value)];
        keep = cell.getAttribute("data-s") === criterionRating.value;
      }
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    status.textContent = "Showing " + shown + " of " + rows.length + " plan" + (rows.length === 1 ? "" : "s");
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();

  // On paper, red, amber and waived findings show their evidence and what to do (as the print stylesheet does).
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var closed = document.querySelectorAll("tr.f-r details:not([open]), tr.f-a details:not([open]), tr.f-w details:not([open])");
    opened = Array.prototype.filter.call(closed, function (d) { d.open = true; return true; });
  });
  window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); opened = []; });
}());
