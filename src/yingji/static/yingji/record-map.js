/* The map on a record page (registry/detail.html): its geometry, and the map layers of its located
   parts (from json_script), whose dots it asks the map-layer API for. */
(function () {
  const json = id => JSON.parse(document.getElementById(id).textContent);
  window.yingjiRecordMap("record-map", json("record-geometry"), json("record-layers"));
})();
