"""Forms for a meeting's photos and attachments: the shape of the input and the upload checks at the field."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.errors import DomainError

from . import uploads

#: Photos one upload may carry (a few per meeting is plenty; photos are optional).
MAX_PHOTOS_PER_UPLOAD = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PhotoUploadForm(forms.Form):
    """One or more photos with an optional caption; each must be a real image within the size cap."""

    images = MultipleFileField(
        label=gettext_lazy("照片"),
        error_messages={"required": gettext_lazy("请选择要上传的照片。")},
    )
    caption = forms.CharField(label=gettext_lazy("说明（可选）"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["images"].help_text = _(
            "可一次选择多张，最多%(n)d张；JPG、PNG或WebP格式，每张不超过%(mb)sMB。照片可不上传，不作为任何考核依据。"
        ) % {"n": MAX_PHOTOS_PER_UPLOAD, "mb": settings.PHOTO_MAX_BYTES // (1024 * 1024)}

    def clean_images(self):
        images = self.cleaned_data["images"]
        if len(images) > MAX_PHOTOS_PER_UPLOAD:
            raise forms.ValidationError(_("一次最多上传%(n)d张照片。") % {"n": MAX_PHOTOS_PER_UPLOAD})
        problems = []
        for image in images:
            try:
                uploads.photo_clean(image)
            except DomainError as error:
                problems.append(_("%(name)s：%(message)s") % {"name": image.name, "message": error.message})
            image.seek(0)
        if problems:
            raise forms.ValidationError(problems)
        return images


class AttachmentUploadForm(forms.Form):
    """A PDF or Office document, checked by extension and content and within the size cap."""

    file = forms.FileField(
        label=gettext_lazy("附件"),
        error_messages={"required": gettext_lazy("请选择要上传的文件。")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF或Office文档（doc、docx、xls、xlsx、ppt、pptx），不超过%(mb)sMB。") % {
            "mb": f"{settings.ATTACHMENT_MAX_BYTES / 1024 / 1024:g}"
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.attachment_check(upload)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        upload.seek(0)
        return upload
