"""GET /documents/{id}: the owning partner's key, an admin key, or a signed link."""

from __future__ import annotations

from urllib.parse import quote

import anyio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from api.auth.identify import AuthenticationError, Authenticator
from api.download_links import DownloadLinks
from api.graphql_view import bearer_token, unauthenticated
from api.pdf import PdfBusyError, PdfConversionError, PdfUnavailableError, convert
from models import Document
from models.documents.blobs import BlobStore
from models.documents.file_cache import FileCache
from schema.errors import CodedError
from schema.ids import expect_id

PDF = "application/pdf"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _not_found() -> JSONResponse:
    return _error(404, "NOT_FOUND", "no document has that id")


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class DocumentDownloads:
    """The download endpoint, bound to the app's database, storage and link signer."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        store: BlobStore,
        links: DownloadLinks,
        pdfs: FileCache,
        soffice: str | None,
        authenticator: Authenticator | None = None,
    ) -> None:
        self.authenticator = authenticator or Authenticator()
        self.sessionmaker = sessionmaker
        self.store = store
        self.links = links
        self.pdfs = pdfs
        self.soffice = soffice

    async def handle(self, request: Request) -> Response:
        """Serve one document download."""
        try:
            document_id = expect_id(request.path_params["id"], "Document")
        except CodedError:
            return _not_found()
        fmt = request.query_params.get("format", "docx")
        if fmt not in ("docx", "pdf"):
            return _error(400, "UNSUPPORTED_FORMAT", "format is docx (default) or pdf")
        async with self.sessionmaker() as session:
            document = await session.get(Document, document_id)
            if document is None:
                return _not_found()
            signature = request.query_params.get("signature")
            if signature is not None:
                expires = request.query_params.get("expires", "")
                if not self.links.verify(document.id, expires, signature):
                    return _error(
                        403,
                        "INVALID_OR_EXPIRED_LINK",
                        "the download link is invalid or has expired; ask for a new one",
                    )
            else:
                token = bearer_token(request)
                if token is None:
                    return unauthenticated("send an API key or use a signed downloadUrl")
                try:
                    actor = await self.authenticator.identify(session, token)
                except AuthenticationError as exc:
                    return unauthenticated(str(exc))
                if not actor.may_see_partner(document.partner_id):
                    return _not_found()
        return await self._send(request, document, fmt)

    async def _send(self, request: Request, document: Document, fmt: str) -> Response:
        etag = f'"{document.sha256}"' if fmt == "docx" else f'"{document.sha256}.pdf"'
        headers = {
            "ETag": etag,
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        if fmt == "docx":
            headers["Content-Disposition"] = _disposition(document.filename)
            headers["Content-Length"] = str(document.size)
            return StreamingResponse(
                self.store.chunks(document.sha256),
                media_type=document.content_type,
                headers=headers,
            )
        source = self.store.get(document.sha256)
        try:
            pdf = await anyio.to_thread.run_sync(
                convert, source, document.sha256, self.pdfs, self.soffice
            )
        except PdfUnavailableError as exc:
            return _error(501, "PDF_CONVERSION_UNAVAILABLE", str(exc))
        except PdfBusyError as exc:
            return JSONResponse(
                {"error": {"code": "PDF_CONVERSION_BUSY", "message": str(exc)}},
                status_code=503,
                headers={"Retry-After": "5"},
            )
        except PdfConversionError as exc:
            return _error(502, "PDF_CONVERSION_FAILED", str(exc))
        headers["Content-Disposition"] = _disposition(document.filename[:-5] + ".pdf")
        return Response(pdf, media_type=PDF, headers=headers)
