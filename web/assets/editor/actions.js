// The save / validate / deploy buttons shared by the BPMN and DMN editors. `exportXml` returns the model's
// XML; `showProblems` places the server's problems (on the diagram for BPMN, in a list for DMN).
import { postJson } from "./server";

export function bindActions(root, { exportXml, showProblems }) {
  const status = root.querySelector("[data-role=status]");
  const comment = root.querySelector("[data-role=comment]");
  const say = (text, kind) => {
    status.textContent = text;
    status.dataset.kind = kind;
  };

  async function run(button, url, describe) {
    button.disabled = true;
    say("処理しています…", "busy");
    try {
      const content = await exportXml();
      const answer = await postJson(url, { content, comment: comment ? comment.value : "" });
      showProblems(answer.errors || []);
      say(describe(answer), answer.ok ? "ok" : "error");
      const note = root.querySelector("[data-role=source-note]");
      if (note && answer.ok && url === root.dataset.deployUrl && answer.version) {
        note.textContent = `登録済みの版 ${answer.version} を開いています（ページを開き直すと版の履歴も更新されます）。`;
      }
    } catch (error) {
      say(`モデルを書き出せませんでした（${error.message}）。`, "error");
    } finally {
      button.disabled = false;
    }
  }

  const buttons = {
    validate: (answer) => answer.message || (answer.ok ? "問題はありません。" : `${answer.errors.length}件の問題があります。`),
    save: (answer) => answer.message || (answer.ok ? "下書きを保存しました。" : "下書きを保存できませんでした。"),
    deploy: (answer) => answer.message || (answer.ok ? `版 ${answer.version} として登録しました。` : "登録できませんでした。"),
  };
  for (const [action, describe] of Object.entries(buttons)) {
    const button = root.querySelector(`[data-action=${action}]`);
    if (button) {
      button.addEventListener("click", () => run(button, root.dataset[`${action}Url`], describe));
    }
  }
}
