"""The Japanese README of a handover folder: what every file is and what every column means."""
from __future__ import annotations

from processes.handover.sealed import ARCHIVE_NAME

FILES: dict[str, tuple[str, dict[str, str]]] = {
    "cases.csv": ("おくやみ案件（1件1行）。個人情報は含みません。案件は案件番号で識別します。", {
        "case_number": "案件番号", "state": "状態（open=対応中、waiting=待機中、closed=完了、cancelled=取消）",
        "state_label": "状態の日本語表示", "ward": "区", "channel": "受付経路（booking=予約、walk_in=来庁）",
        "model_version": "案件が動いているプロセスモデルの版", "open_task": "いま開いている作業（複数は / 区切り）",
        "holder": "その作業の担当者（ユーザー名。未着手は（未着手））", "deadline": "開いている作業の最も近い期限",
        "procedures": "選ばれた手続（/ 区切り）", "outcomes": "手続ごとの結果（手続:結果、/ 区切り）",
        "slot_start": "来庁予約の日時", "closed_on": "完了日", "cancelled_on": "取消日",
        "created_at": "作成日時", "updated_at": "最終更新日時"}),
    "case_procedures.csv": ("案件ごとの手続（1手続1行）。", {
        "case_number": "案件番号", "procedure": "手続の識別子（catalogue の id）", "procedure_name": "手続名",
        "department": "担当課", "status": "選定の状態", "outcome": "来庁時の結果"}),
    "cases.json": ("cases.csv と同じ案件の、進行に関わる項目（個人情報を除く）をJSONで。", {}),
    "open_tasks.csv": ("開いている作業（ワークリストに出ている作業）の一覧。", {
        "task_number": "作業番号", "case_number": "案件番号（問い合わせ等のプロセスの番号を含む）",
        "process": "プロセスの識別子", "step": "工程の識別子", "title": "作業名", "role": "担当する役割",
        "ward": "区", "department": "課", "holder": "担当者（空欄は未着手）", "deadline": "期限",
        "created_at": "作成日時"}),
    "contacts.csv": ("応対履歴（1応対1行）。質問・回答などの自由記述は個人情報を含みうるため封印アーカイブにのみ入ります。", {
        "id": "応対番号", "channel": "チャネル（phone, fax, web_form, email）", "counterpart_type": "相手の種別",
        "operator": "応対したオペレーター", "started_at": "開始日時", "ended_at": "終了日時", "category": "分類",
        "outcome": "結果", "reply_channel": "回答の方法", "faq_ids": "使ったFAQの番号", "case_id": "関連する案件番号",
        "handover_department": "引継ぎ先の課", "handover_ward": "引継ぎ先の区",
        "inquiry_instance_id": "引継ぎの問い合わせ番号", "inquiry_state": "引継ぎの状態",
        "department_answered_by": "課で回答した人", "department_answered_at": "課の回答日時",
        "created_at": "作成日時", "updated_at": "更新日時"}),
    "open_handovers.csv": ("まだ閉じていない引継ぎ（課・区への引継ぎ）。", {
        "contact_id": "応対番号", "outcome": "応対の結果", "handover_department": "引継ぎ先の課",
        "handover_ward": "引継ぎ先の区", "inquiry_instance_id": "問い合わせ番号", "inquiry_state": "状態",
        "callback": "折り返し連絡が必要か", "started_at": "応対の開始日時"}),
    "callbacks.csv": ("折り返し連絡の一覧。氏名・電話番号は封印アーカイブにのみ入ります。", {
        "callback_id": "折り返し番号", "contact_id": "応対番号", "contact_outcome": "応対の結果", "created_at": "登録日時"}),
    "citizen_voices.csv": ("市民の声（苦情・要望など）。内容の記述は封印アーカイブにのみ入ります。", {
        "id": "番号", "contact_id": "応対番号", "kind": "種別", "department": "関係課", "reviewed_by": "確認者",
        "reviewed_at": "確認日時"}),
    "faq_items.csv": ("FAQ（よくある質問）。", {
        "number": "FAQ番号", "question": "質問", "answer": "回答", "keywords": "キーワード", "categories": "分類の番号",
        "published": "公開するか", "publish_start": "公開開始日", "publish_end": "公開終了日", "audience": "公開範囲",
        "version": "版", "updated_at": "更新日時"}),
    "faq_categories.csv": ("FAQの分類。", {"id": "分類番号", "name": "分類名", "parent_id": "親の分類番号",
                                          "position": "並び順"}),
    "report_versions.csv": ("業務報告（日報・月報・年報）とその版。", {
        "id": "番号", "kind": "種別（daily=日報、monthly=月報、annual=年報）", "period": "対象期間", "version": "版",
        "state": "状態", "created_by": "作成者", "created_at": "作成日時", "finalised_by": "確定者",
        "finalised_at": "確定日時"}),
    "reports.json": ("業務報告の各版の数値（figures）と所見をJSONで。", {}),
    "incidents.csv": ("事故報告。経過の記述は封印アーカイブにのみ入ります。", {
        "id": "番号", "case_number": "関連する案件番号", "kind": "種別", "occurred_at": "発生日時",
        "personal_data": "個人情報に関わるか", "state": "状態", "created_by": "作成者", "reviewed_by": "確認者",
        "submitted_at": "提出日時"}),
    "model_files.csv": ("業務プロセス（BPMN）と判定表（DMN）のファイルと版。ファイルは models/ にあります。", {
        "kind": "種別（bpmn / dmn）", "name": "ファイル名", "version": "版", "content_hash": "内容のSHA-256",
        "deployed_at": "反映日時", "deployed_by": "反映した人", "comment": "コメント", "file": "このフォルダ内のファイル"}),
    "process_versions.csv": ("反映済みプロセスの版。", {
        "process_id": "プロセスの識別子", "version": "版", "name": "名称", "deployed_at": "反映日時",
        "deployed_by": "反映した人", "comment": "コメント"}),
    "catalogue_versions.csv": ("手続カタログの版。内容は catalogue/ のYAMLです。", {
        "id": "番号", "version_label": "版の名前", "effective_from": "適用開始日", "deployed_at": "反映日時",
        "deployed_by": "反映した人", "comment": "コメント", "file": "このフォルダ内のファイル"}),
    "form_templates.csv": ("帳票テンプレート（docx）の版。ファイルは templates/ にあります。", {
        "name": "帳票名", "version": "版", "content_hash": "内容のSHA-256", "fields": "差し込み項目",
        "uploaded_at": "登録日時", "uploaded_by": "登録した人", "comment": "コメント", "file": "このフォルダ内のファイル"}),
    "users.csv": ("利用者と役割。パスワードのハッシュやトークンは含みません。", {
        "username": "ユーザー名", "display_name": "表示名", "role": "役割", "role_label": "役割の日本語名",
        "ward": "区", "department": "課", "active": "有効か", "created_at": "作成日時"}),
    "roles.csv": ("役割の一覧。", {"role": "役割", "role_label": "役割の日本語名"}),
}


def readme(with_personal: bool) -> str:
    lines = ["# 引継ぎデータ（おくやみコーナー業務システム）", "",
             "次の受託者へ引き継ぐデータです。CSVはUTF-8（BOM付き、Excelでそのまま開けます）、日時は日本時間"
             "（+09:00付きのISO 8601）、JSONはUTF-8です。",
             "`manifest.json` に全ファイルの件数とSHA-256チェックサムがあります。受け取った側は"
             " `okuyami handover verify DIR` で改ざん・欠落がないことを確認できます。", "",
             "## 個人情報について", "",
             "このフォルダの平文のファイル（CSV・JSON・モデル・テンプレート）には、ご遺族・申出人の氏名・住所・"
             "電話番号などの個人情報は入っていません。案件は案件番号、応対は応対番号で識別します。"]
    if with_personal:
        lines += ["", f"個人情報は `{ARCHIVE_NAME}` だけに入っています。受け取る側が用意した公開鍵"
                  "（`--recipient-key`）に宛てて封印してあり、対になる秘密鍵でしか開けません。",
                  "", "形式: PyNaCl（libsodium）の SealedBox（X25519 + XSalsa20-Poly1305）で暗号化したZIPです。"
                  "開くと次のJSONが入っています（キーは案件番号・応対番号などの番号）:",
                  "", "- `cases.json`: 案件ごとの故人・申出人・相続人などの情報と聞き取りの回答",
                  "- `contacts_text.json`: 応対の質問・回答・引継ぎメモなどの自由記述",
                  "- `callbacks.json`: 折り返し連絡先（氏名・電話番号・都合のよい時間）",
                  "- `citizen_voices_text.json`: 市民の声の内容", "- `incidents_text.json`: 事故報告の経過",
                  "", "Python での開き方の例: `SealedBox(PrivateKey(秘密鍵32バイト)).decrypt(ファイルの内容)` で"
                  "ZIPが得られます。"]
    else:
        lines += ["", "今回は受け取る側の鍵（`--recipient-key`）が指定されなかったため、個人情報は一切書き出して"
                  "いません。個人情報が必要な場合は、受け取る側が公開鍵を用意し、その鍵を指定してもう一度書き出して"
                  "ください。"]
    lines += ["", "## フォルダ", "", "- `models/`: BPMN・DMNのファイル（種別/版/ファイル名）",
              "- `catalogue/`: 手続カタログの各版（YAML）", "- `templates/`: 帳票テンプレート（docx、帳票名/版）",
              "", "## ファイルと列"]
    for name, (what, columns) in FILES.items():
        lines += ["", f"### {name}", "", what]
        if columns:
            lines += [""] + [f"- `{column}`: {meaning}" for column, meaning in columns.items()]
    return "\n".join(lines) + "\n"
