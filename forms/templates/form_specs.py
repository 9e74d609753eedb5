"""What each municipal form asks, in the order of the paper form (read by build_templates.py).

A section's rows hold one or two (label, value) pairs; values use the fields of processes/documents/fields.py.
"□" marks a box the family ticks by hand; an empty value is a box to fill in at the counter.
"""

MAYOR = "（あて先）川崎市長"
WARD_HEAD = "（あて先）川崎市{{ case.ward }}長"
KOUKI = "（あて先）神奈川県後期高齢者医療広域連合長"

DECEASED_ROWS = [
    [("フリガナ", "{{ deceased.kana }}"), ("生年月日", "{{ deceased.birth_date }}")],
    [("氏名", "{{ deceased.name }}"), ("死亡日", "{{ deceased.death_date }}")],
    [("住所", "{{ deceased.address }}")],
]
APPLICANT_ROWS = [
    [("フリガナ", "{{ applicant.kana }}"), ("続柄", "{{ applicant.relationship }}")],
    [("氏名", "{{ applicant.name }}"), ("電話番号", "{{ applicant.phone }}")],
    [("住所", "{{ applicant.address }}")],
]
ACCOUNT_ROWS = [
    [("金融機関名", "{{ account.bank }}"), ("支店名", "{{ account.branch }}")],
    [("種別", "{% if account.type %}{{ account.type }}{% else %}□普通　□当座{% endif %}"),
     ("口座番号", "{{ account.number }}")],
    [("口座名義（カナ）", "{{ account.holder_kana }}")],
]
PAYEE_ROWS = [
    [("フリガナ", "{{ payee.kana }}"), ("続柄", "{{ payee.relationship }}")],
    [("氏名", "{{ payee.name }}"), ("電話番号", "{{ payee.phone }}")],
    [("住所", "{{ payee.address }}")],
]
"""The 葬祭費 is paid to the 喪主: the applicant's rows only when the applicant is the 喪主 (fields.py)."""
HEIR_ROWS = [
    [("フリガナ", "{{ heir.kana }}"), ("続柄", "{{ heir.relationship }}")],
    [("氏名", "{{ heir.name }}"), ("電話番号", "{{ heir.phone }}")],
    [("住所", "{{ heir.address }}")],
]
IDENTITY_NOTE = "窓口に来られる方の本人確認書類（マイナンバーカード、運転免許証など）をお持ちください。"
BLANK_NOTE = "空欄は、窓口で確認しながらご記入ください。"

FORMS = [
    {"name": "juminido_setainushi_henko", "form_no": "第1号様式（住民基本台帳法第25条）", "title": "住民異動届",
     "subtitle": "（世帯主変更届）", "addressee": WARD_HEAD,
     "intro": "次のとおり世帯主の変更を届け出ます。",
     "sections": [
         {"title": "異動の内容", "rows": [
             [("異動の種別", "世帯主変更"), ("異動日", "{{ dates.death }}")],
             [("世帯の住所", "{{ deceased.address }}")],
             [("旧世帯主", "{{ deceased.name }}（{{ dates.death }} 死亡）")],
             [("新世帯主 フリガナ", "{{ new_householder.kana }}")],
             [("新世帯主 氏名", "{{ new_householder.name }}")],
             [("新世帯主の住所", "{{ new_householder.address }}")]], "label_cm": 3.6},
         {"title": "届出人", "rows": APPLICANT_ROWS},
     ],
     "notes": ["世帯主変更の届出は、死亡日から14日以内にお願いします。", IDENTITY_NOTE, BLANK_NOTE]},

    {"name": "inkan_haishi", "form_no": "第3号様式（川崎市印鑑条例）", "title": "印鑑登録廃止届",
     "addressee": WARD_HEAD, "intro": "次の印鑑登録の廃止を届け出ます。",
     "sections": [
         {"title": "印鑑登録者（亡くなられた方）", "rows": DECEASED_ROWS},
         {"title": "廃止の理由と印鑑登録証", "rows": [
             [("廃止の理由", "登録者の死亡（{{ dates.death }}）")],
             [("印鑑登録証", "□返納します　□紛失しました　□見つかりません")],
             [("登録番号", "")]]},
         {"title": "届出人", "rows": APPLICANT_ROWS},
     ],
     "notes": ["印鑑登録は死亡届の提出により廃止されています。印鑑登録証（カード）は返納してください。", IDENTITY_NOTE]},

    {"name": "kokuho_sosaihi", "form_no": "第5号様式（川崎市国民健康保険条例）", "title": "国民健康保険 葬祭費支給申請書",
     "addressee": MAYOR, "intro": "次のとおり葬祭費の支給を申請します。",
     "sections": [
         {"title": "亡くなられた方（被保険者）", "rows": [
             *DECEASED_ROWS, [("記号番号", ""), ("世帯主", "")]]},
         {"title": "葬祭", "rows": [
             [("葬祭を行った日", "{{ dates.blank }}"), ("葬祭の場所", "")]], "label_cm": 3.4},
         {"title": "申請者（喪主）・振込先", "rows": [*PAYEE_ROWS, *ACCOUNT_ROWS]},
         {"title": "窓口に来られた方（申請者と異なるとき）", "rows": APPLICANT_ROWS},
     ],
     "notes": ["葬祭費は葬祭を行った方（喪主）に支給します（50,000円）。", "会葬礼状または葬儀の領収書など、喪主がわかるものをお持ちください。",
               "葬祭を行った日の翌日から2年を過ぎると申請できません。", BLANK_NOTE]},

    {"name": "kouki_sosaihi", "form_no": "様式第12号（神奈川県後期高齢者医療広域連合）", "title": "後期高齢者医療 葬祭費支給申請書",
     "addressee": KOUKI, "intro": "次のとおり葬祭費の支給を申請します。",
     "sections": [
         {"title": "亡くなられた方（被保険者）", "rows": [*DECEASED_ROWS, [("被保険者番号", "")]]},
         {"title": "葬祭", "rows": [
             [("葬祭を行った日", "{{ dates.blank }}"), ("葬祭の場所", "")]], "label_cm": 3.4},
         {"title": "申請者（喪主）・振込先", "rows": [*PAYEE_ROWS, *ACCOUNT_ROWS]},
         {"title": "窓口に来られた方（申請者と異なるとき）", "rows": APPLICANT_ROWS},
     ],
     "notes": ["葬祭費は葬祭を行った方（喪主）に支給します（50,000円）。", "会葬礼状または葬儀の領収書など、喪主がわかるものをお持ちください。",
               BLANK_NOTE]},

    {"name": "kaigo_soshitsu", "form_no": "第2号様式（介護保険法施行規則第32条）", "title": "介護保険 資格喪失届",
     "subtitle": "（被保険者証等返還届）", "addressee": MAYOR, "intro": "次のとおり介護保険の被保険者資格の喪失を届け出ます。",
     "sections": [
         {"title": "被保険者（亡くなられた方）", "rows": [*DECEASED_ROWS, [("被保険者番号", "")]]},
         {"title": "喪失の理由と返還するもの", "rows": [
             [("喪失の理由", "死亡（{{ dates.death }}）")],
             [("返還するもの", "□介護保険被保険者証　□負担割合証\n□負担限度額認定証　□その他（　　　　　　）")]]},
         {"title": "届出人", "rows": APPLICANT_ROWS},
     ],
     "notes": ["資格喪失の日は、亡くなられた日の翌日です。", IDENTITY_NOTE]},

    {"name": "kogaku_ryoyohi", "form_no": "第8号様式（川崎市国民健康保険条例施行規則）", "title": "高額療養費支給申請書",
     "subtitle": "（被保険者死亡による相続人代表者からの申請）", "addressee": MAYOR,
     "intro": "亡くなられた方の高額療養費について、相続人を代表して支給を申請します。",
     "sections": [
         {"title": "亡くなられた方（被保険者）", "rows": [*DECEASED_ROWS, [("記号番号", ""), ("診療年月", "")]]},
         {"title": "相続人代表者（申請者）", "rows": HEIR_ROWS},
         {"title": "振込先（相続人代表者名義）", "rows": ACCOUNT_ROWS},
         {"title": "申立", "rows": [[("申立", "私は、亡くなられた方の相続人の代表として高額療養費を受領し、"
                                            "ほかの相続人から異議が出た場合は、私が責任をもって解決します。")]],
          "row_cm": 1.4},
     ],
     "notes": ["医療機関の領収書をお持ちください。", "相続人代表者の本人確認書類をお持ちください。", BLANK_NOTE]},

    {"name": "kotei_shisanzei_sozokunin", "form_no": "第10号様式（川崎市市税条例）", "title": "固定資産税　相続人代表者指定届",
     "addressee": "（あて先）川崎市　市税事務所長", "intro": "亡くなられた方の固定資産税について、次の者を相続人代表者に指定します。",
     "sections": [
         {"title": "亡くなられた方（納税義務者）", "rows": DECEASED_ROWS},
         {"title": "相続人代表者", "rows": [*HEIR_ROWS, [("生年月日", "{{ applicant.birth_date if heir.name else '' }}")]]},
         {"title": "届出人", "rows": APPLICANT_ROWS},
     ],
     "notes": ["相続人代表者は、相続人を代表して納税通知書などの書類を受け取ります。", "相続人代表者の指定は、相続の放棄や登記に関係しません。",
               BLANK_NOTE]},

    {"name": "keijidosha_haisha", "form_no": "第4号様式（川崎市市税条例施行規則）", "title": "軽自動車税（種別割）廃車申告書",
     "subtitle": "（原動機付自転車・小型特殊自動車）", "addressee": "（あて先）川崎市　市税事務所長",
     "intro": "次の車両について廃車を申告します。",
     "sections": [
         {"title": "車両", "rows": [
             [("標識番号", ""), ("車台番号", "")],
             [("車名", ""), ("種別", "□原付第1種　□原付第2種\n□小型特殊")],
             [("廃車の理由", "所有者の死亡（{{ dates.death }}）")]]},
         {"title": "所有者（亡くなられた方）", "rows": DECEASED_ROWS},
         {"title": "申告者", "rows": APPLICANT_ROWS},
     ],
     "notes": ["ナンバープレート（標識）と標識交付証明書をお持ちください。", "名義を変更して乗り続ける場合は、名義変更の申告になります。", BLANK_NOTE]},

    {"name": "shogaisha_techo_henkan", "form_no": "第6号様式（川崎市障害福祉関係）", "title": "障害者手帳等返還届",
     "addressee": MAYOR, "intro": "手帳の所持者が亡くなったため、次の手帳等を返還します。",
     "sections": [
         {"title": "手帳の所持者（亡くなられた方）", "rows": DECEASED_ROWS},
         {"title": "返還する手帳等", "rows": [
             [("手帳の種類", "□身体障害者手帳　□精神障害者保健福祉手帳\n□療育手帳　□自立支援医療受給者証")],
             [("手帳番号", ""), ("返還の理由", "死亡（{{ dates.death }}）")]]},
         {"title": "届出人", "rows": APPLICANT_ROWS},
     ],
     "notes": ["手帳が見つからない場合も届出ができます。窓口でお申し出ください。", IDENTITY_NOTE]},

    {"name": "jidoteate_shometsu", "form_no": "様式第10号（児童手当法施行規則）", "title": "児童手当 受給事由消滅届",
     "addressee": MAYOR, "intro": "児童手当の受給者が死亡したため、受給事由の消滅を届け出ます。",
     "sections": [
         {"title": "受給者（亡くなられた方）", "rows": [*DECEASED_ROWS, [("受給者番号", "")]]},
         {"title": "消滅の理由", "rows": [[("理由", "受給者の死亡（{{ dates.death }}）")],
                                       [("児童の氏名", "")]]},
         {"title": "届出人", "rows": APPLICANT_ROWS},
     ],
     "notes": ["児童を養育する方が新たに受給するには、別に認定請求が必要です（窓口でご案内します）。", IDENTITY_NOTE]},

    {"name": "ininjo", "form_no": "（任意様式）", "title": "委　任　状", "addressee": WARD_HEAD,
     "intro": "私は、次の者を代理人と定め、下記の手続に関する権限を委任します。",
     "sections": [
         {"title": "代理人（窓口に来られる方）", "rows": [
             [("フリガナ", "")], [("氏名", "")], [("住所", "")], [("生年月日", "{{ dates.blank_birth }}"), ("電話番号", "")]]},
         {"title": "委任する手続", "rows": [
             [("手続", "{{ deceased.name }}（{{ dates.death }} 死亡）の死亡に伴う次の手続\n\n\n")]], "row_cm": 2.4},
         {"title": "委任者", "rows": [
             [("フリガナ", "{{ applicant.kana }}"), ("生年月日", "{{ applicant.birth_date }}")],
             [("氏名（自署）", ""), ("電話番号", "{{ applicant.phone }}")],
             [("住所", "{{ applicant.address }}")]]},
     ],
     "notes": ["委任者の氏名は、委任者ご本人が自署してください。", "代理人の本人確認書類をお持ちください。"]},
]

GUIDANCE = {
    "name": "guidance", "title": "おくやみコーナー　ご案内票",
    "intro": "このたびは心よりお悔やみ申し上げます。お手続の内容と窓口を、次のとおりご案内します。",
    "header_rows": [
        [("亡くなられた方", "{{ deceased.name }} 様"), ("亡くなられた日", "{{ dates.death }}")],
        [("ご来庁の方", "{{ applicant.name }} 様"), ("ご来庁日時", "{{ dates.visit }} {{ dates.visit_time }}")],
        [("会場", "{{ case.office }}　おくやみコーナー（{{ case.office_address }}）")],
    ],
    "notes": ["ご不明な点は、おくやみコーナー予約センター（044-200-1500　平日 9:00〜16:45）にお問い合わせください。",
              "この案内票は、ご予約時とご来庁時にうかがった内容をもとに作成しています。"],
    "survey": {
        "title": "アンケートへのご協力のお願い",
        "request": "おくやみコーナーと予約センターについてのご感想をお聞かせください（お名前は伺いません。数分で終わります）。"
                   "スマートフォンで左の QR コードを読み取るか、次のアドレスを入力してください。",
    },
    "counter_page": {
        "title": "窓口用　担当課からの申し送り（案件 {{ case.number }}）",
        "intro": "この頁はおくやみコーナーの控えです。ご遺族にはお渡ししないでください。",
    },
}
