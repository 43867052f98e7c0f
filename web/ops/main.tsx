// The operations console page (served by the ops function at /ops/).
import "element-plus/dist/index.css";
import "./style.css";
import { createApp } from "vue";
import { App } from "./app";

createApp(App).mount("#app");
