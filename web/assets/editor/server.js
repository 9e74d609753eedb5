// Talking to our endpoints: the CSRF token from the page's meta tag, JSON answers, Japanese errors.
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function postJson(url, payload) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
    body: JSON.stringify(payload),
  });
  let body = null;
  try {
    body = await response.json();
  } catch (_error) {
    body = null;
  }
  if (!body) {
    body = { ok: false, message: `サーバーからの応答を読み取れませんでした（${response.status}）。`, errors: [] };
  }
  body.status = response.status;
  return body;
}

export async function getText(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`モデルを読み込めませんでした（${response.status}）。`);
  }
  return response.text();
}
