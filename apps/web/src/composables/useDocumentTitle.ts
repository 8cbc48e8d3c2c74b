import { computed } from 'vue'
import { useRoute } from 'vue-router'
import { useTitle } from '@vueuse/core'
import { useI18n } from '../i18n'

/** Keeps the tab title on the current page, in the current language (VueUse's useTitle). */
export function useDocumentTitle(): void {
  const route = useRoute()
  const { t } = useI18n()
  useTitle(
    computed(() => {
      const titleKey = route.meta.titleKey
      return titleKey ? `${t(titleKey)} · ${t('app.name')}` : t('app.name')
    }),
  )
}
