"""Why a document could not be made, in words for the counter staff (Japanese) and for the log (English)."""
from __future__ import annotations

from ..errors import OkuyamiError


class ConverterUnavailable(OkuyamiError):
    """LibreOffice (or the Python UNO bridge it needs) is not installed: the app offers the .docx instead."""

    user_message = ("このサーバーには PDF に変換するソフト（LibreOffice）がインストールされていないため、PDF を作成できません。"
                    "Word 形式（.docx）の書類をダウンロードして印刷してください。")


class ConversionFailed(OkuyamiError):
    user_message = "書類を PDF に変換できませんでした。時間をおいて、もう一度お試しください。"


class ConverterBusy(ConversionFailed):
    user_message = "PDF 変換が混み合っています。しばらくしてから、もう一度お試しください。"


class TemplateRejected(OkuyamiError):
    """A template that cannot be used: it does not open, asks for unknown fields, or breaks the sandbox.
    `problems` lists every reason, each a Japanese sentence."""

    user_message = "様式テンプレートに問題があるため、使用できません。"

    def __init__(self, message: str, problems: list[str]):
        self.problems = list(problems)
        super().__init__(message, user_message="様式テンプレートに問題があるため、使用できません。\n"
                                               + "\n".join(f"・{p}" for p in self.problems))
