// derivekit serve: typesetting (the vendored KaTeX), live previews, verdicts, the sheet.
"use strict";

const MATH = {
  delimiters: [
    {left: "$$", right: "$$", display: true},
    {left: "\\[", right: "\\]", display: true},
    {left: "\\(", right: "\\)", display: false},
    {left: "$", right: "$", display: false},
  ],
  throwOnError: false,
};

function typeset(element) {
  renderMathInElement(element, MATH);
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function say(element, className, text) {
  element.replaceChildren();
  const line = document.createElement("p");
  line.className = className;
  line.textContent = text;
  element.append(line);
}

function showHtml(element, html) {
  element.innerHTML = html;  // built and escaped by derivekit.sheet.html
  typeset(element);
}

function setUpPart(problem, section) {
  const part = section.dataset.part;
  const form = section.querySelector("form");
  const box = form.querySelector("textarea");
  const preview = form.querySelector(".dk-preview");
  const result = section.querySelector(".dk-result");
  let timer = null;
  let asked = 0;

  async function showPreview() {
    const answer = box.value;
    const ticket = ++asked;
    if (!answer.trim()) { preview.replaceChildren(); return; }
    try {
      const read = await post("/api/preview", {problem, part, answer});
      if (ticket !== asked) return;  // a newer keystroke is on its way
      if (!read.ok) { say(preview, "dk-unread", read.message); return; }
      preview.replaceChildren();
      const label = document.createElement("span");
      label.className = "dk-read-as";
      label.textContent = "read as ";
      const math = document.createElement("span");
      math.className = "dk-preview-math";
      katex.render(read.interpreted_latex, math, {throwOnError: false});
      preview.append(label, math);
    } catch (error) {
      if (ticket === asked) say(preview, "dk-unread", error.message);
    }
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(showPreview, 200);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    say(result, "dk-wait", "checking…");
    try {
      const feedback = await post("/api/check", {problem, part, answer: box.value});
      showHtml(result, feedback.html);
    } catch (error) {
      say(result, "dk-error", error.message);
    } finally {
      button.disabled = false;
    }
  });
}

async function loadSheet(page) {
  const body = page.querySelector(".dk-sheet-body");
  try {
    const sheet = await post("/api/verify", {problem: page.dataset.problem});
    showHtml(body, sheet.html);
  } catch (error) {
    say(body, "dk-error", error.message);
  }
}

function setUpDerive(form) {
  const result = document.querySelector(".dk-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.elements[name].value.trim();
    say(result, "dk-wait", "deriving and witnessing…");
    try {
      const derived = await post("/api/derive", {
        expression: value("expression"), wrt: value("wrt"),
        givens: value("givens").split(/\s+/).filter(Boolean),
      });
      showHtml(result, derived.html);
    } catch (error) {
      say(result, "dk-error", error.message);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  typeset(document.querySelector("main"));
  const problem = document.querySelector("article.dk-problem");
  if (problem) {
    for (const section of problem.querySelectorAll("section.dk-part")) {
      setUpPart(problem.dataset.problem, section);
    }
  }
  const sheet = document.querySelector("article.dk-sheet-page");
  if (sheet) loadSheet(sheet);
  const derive = document.querySelector("form.dk-derive");
  if (derive) setUpDerive(derive);
});
