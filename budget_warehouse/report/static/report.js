// Index: filter and sort the documents table (no library, nothing fetched).
(function () {
  var table = document.getElementById("documents");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var selects = document.querySelectorAll("select[data-filter]");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  function apply() {
    var n = 0, q = search.value.trim().toLowerCase();
    rows.forEach(function (row) {
      var ok = Array.prototype.every.call(selects, function (s) {
        return !s.value || row.getAttribute("data-" + s.getAttribute("data-filter")) === s.value;
      }) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.style.display = ok ? "" : "none";
      if (ok) n++;
    });
    shown.textContent = n;
  }
  Array.prototype.forEach.call(selects, function (s) { s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.addEventListener("click", function () {
      var desc = th.classList.contains("sorted-asc");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.classList.remove("sorted-asc", "sorted-desc"); });
      th.classList.add(desc ? "sorted-desc" : "sorted-asc");
      var numeric = th.classList.contains("num");
      rows.sort(function (a, b) {
        var x = a.cells[i].getAttribute("data-sort") || a.cells[i].textContent;
        var y = b.cells[i].getAttribute("data-sort") || b.cells[i].textContent;
        var r = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "zh");
        return desc ? -r : r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
