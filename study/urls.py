from django.urls import path

from .excel_views import TaskExportView
from .views import mine, tasks

app_name = "study"

urlpatterns = [
    path("mine/", mine.MyTasksView.as_view(), name="mine"),
    path("mine/<int:pk>/", mine.AssignmentView.as_view(), name="assignment"),
    path("record/<int:pk>/", mine.StudyRecordView.as_view(), name="record"),
    path("tasks/", tasks.TaskListView.as_view(), name="list"),
    path("tasks/new/", tasks.TaskCreateView.as_view(), name="create"),
    path("tasks/<int:pk>/", tasks.TaskDetailView.as_view(), name="detail"),
    path("tasks/<int:pk>/edit/", tasks.TaskEditView.as_view(), name="edit"),
    path("tasks/<int:pk>/members/", tasks.TaskMembersView.as_view(), name="members"),
    path("tasks/<int:pk>/remind/", tasks.TaskRemindView.as_view(), name="remind"),
    path("tasks/<int:pk>/export/", TaskExportView.as_view(), name="export"),
    path("tasks/<int:pk>/files/<int:file_pk>/", tasks.TaskFileView.as_view(), name="file"),
    path("reviews/<int:pk>/", tasks.ReviewView.as_view(), name="review"),
]
