import { render } from "preact";
import { App } from "./Shell";
import { loadScreen, match } from "./router";
import "../styles/base.css";
import "./app.css";

// Start fetching the first screen's chunk before the frame renders.
const first = match(location.pathname);
if (first) loadScreen(first.route).catch(() => {});

const root = document.getElementById("app")!;
root.textContent = "";
render(<App />, root);
