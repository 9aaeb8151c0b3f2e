// The page's own requests for data, counted inside the page (ADR 0011): each document gets this
// script before its own (settling.py `prepare_page`), and dom.js `busy` reads the count. A fetch
// is pending until its answer's body has arrived (read from a copy, as the browser's network layer
// would say the request finished), an XHR until its `loadend`, or until it is opened again (which
// gives up the request without any event). The page's calls go through unchanged.
(() => {
  const KEY = "__autopilotPendingRequests"; // the name dom.js `busy` reads
  if (Object.prototype.hasOwnProperty.call(window, KEY)) return;
  let pending = 0;
  Object.defineProperty(window, KEY, { get: () => pending, enumerable: false, configurable: false });
  const begin = () => {
    pending += 1;
    let open = true;
    return () => {
      if (open) { open = false; pending -= 1; }
    };
  };

  const nativeFetch = window.fetch;
  if (typeof nativeFetch === "function") {
    window.fetch = function fetch(...args) {
      const end = begin();
      let answer;
      try {
        answer = Reflect.apply(nativeFetch, this, args);
      } catch (error) {
        end();
        throw error;
      }
      Promise.resolve(answer).then((response) => {
        let body = null;
        try { body = response.clone().body; } catch (error) { body = null; }
        if (!body) return end();
        const reader = body.getReader();
        const drain = () => reader.read().then(({ done }) => (done ? end() : drain()), end);
        return drain();
      }, end);
      return answer;
    };
  }

  const XHR = window.XMLHttpRequest && window.XMLHttpRequest.prototype;
  if (XHR) {
    const { open, send } = XHR;
    const ends = new WeakMap();
    const release = (request) => {
      const end = ends.get(request);
      if (end) { ends.delete(request); end(); }
    };
    XHR.open = function (...args) {
      release(this); // opening again gives up a request still pending, without loadend
      return Reflect.apply(open, this, args);
    };
    XHR.send = function (...args) {
      release(this);
      const end = begin();
      ends.set(this, end);
      this.addEventListener("loadend", () => release(this), { once: true });
      try {
        return Reflect.apply(send, this, args);
      } catch (error) {
        release(this);
        throw error;
      }
    };
  }
})();
