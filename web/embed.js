// Puts a Kairos booking page on another site:
//   <script src="https://kairos.example/embed.js" data-kairos-page="/book/ada/intro" async></script>
// The script inserts an iframe of that page (in its embed form) where the tag stands.
(function () {
  var script = document.currentScript;
  if (!script) return;
  var page = script.getAttribute('data-kairos-page');
  if (!page) return;
  var url = new URL(page, script.src);
  url.searchParams.set('embed', '1');
  var frame = document.createElement('iframe');
  frame.src = url.toString();
  frame.title = script.getAttribute('data-kairos-title') || 'Book a time';
  frame.loading = 'lazy';
  frame.style.width = '100%';
  frame.style.minHeight = script.getAttribute('data-kairos-height') || '760px';
  frame.style.border = '0';
  script.parentNode.insertBefore(frame, script);
})();
