// The admin's periodic task form: show the chosen crontab in words below the field
// (django-celery-beat ships this inline; here it is a file for the Content-Security-Policy).
(function () {
  var $ = django.jQuery;
  var readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
  var originalCrontabHelp = JSON.parse(document.getElementById("crontab-help").textContent);
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    $(".field-crontab .help").text(originalCrontabHelp + " — " + readableCrontabs[$("#id_crontab").val()]);
  });
})();
