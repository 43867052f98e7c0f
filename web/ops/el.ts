// Element Plus components, each from its own module: the package index also runs its installer,
// which pulls every component into the bundle (725 KB) even when a page uses thirty.
export { ElAlert } from "element-plus/es/components/alert/index.mjs";
export { ElButton } from "element-plus/es/components/button/index.mjs";
export { ElCard } from "element-plus/es/components/card/index.mjs";
export { ElCol } from "element-plus/es/components/col/index.mjs";
export { ElConfigProvider } from "element-plus/es/components/config-provider/index.mjs";
export { ElAside, ElContainer, ElHeader, ElMain } from "element-plus/es/components/container/index.mjs";
export { ElDatePicker } from "element-plus/es/components/date-picker/index.mjs";
export { ElDescriptions, ElDescriptionsItem } from "element-plus/es/components/descriptions/index.mjs";
export { ElDialog } from "element-plus/es/components/dialog/index.mjs";
export { ElForm, ElFormItem } from "element-plus/es/components/form/index.mjs";
export { ElInput } from "element-plus/es/components/input/index.mjs";
export { ElMenu, ElMenuItem } from "element-plus/es/components/menu/index.mjs";
export { ElMessage } from "element-plus/es/components/message/index.mjs";
export { ElRadioButton, ElRadioGroup } from "element-plus/es/components/radio/index.mjs";
export { ElRow } from "element-plus/es/components/row/index.mjs";
export { ElOption, ElSelect } from "element-plus/es/components/select/index.mjs";
export { ElStatistic } from "element-plus/es/components/statistic/index.mjs";
export { ElTable, ElTableColumn } from "element-plus/es/components/table/index.mjs";
export { ElTag } from "element-plus/es/components/tag/index.mjs";
export { ElTimeline, ElTimelineItem } from "element-plus/es/components/timeline/index.mjs";
