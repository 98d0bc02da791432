/* The map on a record page (registry/detail.html): its geometry and located parts, from json_script. */
(function () {
  const json = id => JSON.parse(document.getElementById(id).textContent);
  window.yingjiRecordMap("record-map", json("record-geometry"), json("record-points"));
})();
