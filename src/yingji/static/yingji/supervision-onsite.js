// On-site check: an evidence photo carries when it was taken (the file's time from the camera, else now)
// and where (the device's position, when the browser gives it).
(function () {
  const form = document.querySelector(".yj-evidence");
  if (!form) return;
  const status = form.querySelector("[data-testid=position]");
  const field = (name) => form.querySelector(`input[name=${name}]`);
  const iso = (ms) => {
    const d = new Date(ms), pad = (n) => String(n).padStart(2, "0"), off = -d.getTimezoneOffset();
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:` +
      `${pad(d.getSeconds())}${off >= 0 ? "+" : "-"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  };
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition((p) => {
      field("lon").value = p.coords.longitude.toFixed(6);
      field("lat").value = p.coords.latitude.toFixed(6);
      field("accuracy_m").value = Math.round(p.coords.accuracy);
      status.textContent = `已定位：${p.coords.latitude.toFixed(5)}, ${p.coords.longitude.toFixed(5)}（±${Math.round(p.coords.accuracy)}米）`;
    }, () => { status.textContent = "未能获取位置（照片仍可上传，记为无定位）"; }, {enableHighAccuracy: true, timeout: 15000});
  } else {
    status.textContent = "此浏览器不提供定位（照片仍可上传，记为无定位）";
  }
  form.querySelector("input[type=file]").addEventListener("change", (e) => {
    const file = e.target.files[0];
    const taken = file && file.lastModified && file.lastModified <= Date.now() ? file.lastModified : Date.now();
    field("taken_at").value = iso(taken);
  });
  form.addEventListener("submit", () => { if (!field("taken_at").value) field("taken_at").value = iso(Date.now()); });
})();
