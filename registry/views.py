from django.http import HttpResponse


def directory(request):
    return HttpResponse("")


def organization_detail(request, pk):
    return HttpResponse("")
