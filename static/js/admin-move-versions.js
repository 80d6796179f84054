// The element list's drag and drop (django-mptt's draggable-admin.js) posts which row moved
// where. This adds the version each of the two rows had when the list was loaded, so that a
// row someone else has changed or moved since is refused (and the list reloaded) instead of
// being moved on the strength of an old picture of the tree.
(function () {
  "use strict";
  var jq = window.django && window.django.jQuery;
  if (!jq) {
    return;
  }
  function versionOf(pk) {
    var row = document.querySelector('.tree-version[data-pk="' + pk + '"]');
    return row ? row.getAttribute("data-version") : "";
  }
  jq.ajaxPrefilter(function (options) {
    if (typeof options.data !== "string" || options.data.indexOf("cmd=move_node") === -1) {
      return;
    }
    var params = new URLSearchParams(options.data);
    params.set("cut_item_version", versionOf(params.get("cut_item")));
    params.set("pasted_on_version", versionOf(params.get("pasted_on")));
    options.data = params.toString();
  });
})();
